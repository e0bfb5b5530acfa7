"""The bench's figures as Markdown tables, to paste into docs/benchmarks.md as they are."""


def number(value, digits=1):
    return "" if value is None else f"{value:,.{digits}f}"


def machine_line(m):
    pg = m["postgresql"]
    return (
        f"{m['cores']} cores, {m['memory_gib']} GiB; PostgreSQL {pg['server_version']} "
        f"(`shared_buffers` {pg['shared_buffers']}, autovacuum {pg['autovacuum']}, "
        f"`jit` {pg['jit']} on the server, off on the tracker's connections); "
        f"Python {m['python']}; database {m['database_size']} (projects "
        f"{m['projects_table']}, of it indexes {m['projects_indexes']})"
    )


def reads_table(rows):
    lines = [
        "| read | p50 ms | p95 ms | req/s (4 conn.) | SQL p50 | SQL p95 | API p95 ÷ SQL p95 "
        "| city p50 | city p95 | province p50 | province p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['read']} | {number(row['latency']['p50'])} | {number(row['latency']['p95'])} "
            f"| {number(row['throughput']['rps'], 0)} | {number(row['sql']['p50'])} "
            f"| {number(row['sql']['p95'])} | {number(row['ratio_p95'])} "
            f"| {number(row['city']['p50'])} | {number(row['city']['p95'])} "
            f"| {number(row['province']['p50'])} | {number(row['province']['p95'])} |"
        )
    return lines


def admin_table(rows):
    lines = ["| admin read | p50 ms | p95 ms | req/s (4 conn.) |", "|---|---:|---:|---:|"]
    for row in rows:
        lines.append(
            f"| {row['read']} | {number(row['latency']['p50'])} "
            f"| {number(row['latency']['p95'])} | {number(row['throughput']['rps'], 0)} |"
        )
    return lines


def writes_table(writes):
    api, floor = writes["api"], writes["sql"]
    return [
        f"| writes ({writes['clients']} clients, {writes['seconds']:g} s each) "
        "| reports | reports/s | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
        f"| API: POST a status report | {api['reports']:,} | {number(api['per_second'], 0)} "
        f"| {number(api['p50'])} | {number(api['p95'])} |",
        f"| SQL: lock, latest date, UPDATE, INSERT, 2 history rows | {floor['reports']:,} "
        f"| {number(floor['per_second'], 0)} | {number(floor['p50'])} | {number(floor['p95'])} |",
        f"| SQL ÷ API | | {number(writes['ratio'])}× | | |",
        *ceiling_row(writes.get("api_root")),
    ]


def ceiling_row(root):
    """The API root's GET with the same token: no request goes faster on this server."""
    if not root:
        return []
    return [
        f"| ceiling: GET the API root, same token (requests) | {root['reports']:,} "
        f"| {number(root['per_second'], 0)} | {number(root['p50'])} | {number(root['p95'])} |"
    ]


def peak(run):
    """A run's peak memory (a separate process's); none for work spread over the workers."""
    return f"{run['peak_rss_mb']:.0f}" if "peak_rss_mb" in run else ""


def notifications_table(runs):
    lines = ["| run | seconds | emails | peak MB |", "|---|---:|---:|---:|"]
    for run in runs:
        lines.append(f"| {run['run']} | {run['seconds']:.2f} | {run['emails']} | {peak(run)} |")
    return lines


def markdown(figures):
    """Every table the run measured, as Markdown."""
    parts = [f"Scale {figures['scale']}."]
    if "machine" in figures:
        parts.append(f"Machine: {machine_line(figures['machine'])}.")
    for key, table in (
        ("reads", reads_table),
        ("admin", admin_table),
        ("notifications", notifications_table),
    ):
        if figures.get(key):
            parts.append("\n".join(table(figures[key])))
    if figures.get("writes"):
        parts.append("\n".join(writes_table(figures["writes"])))
    return "\n\n".join(parts)
