// The overview dashboard. Every figure comes from the public REST API (/api/v1/) with
// the user's session, exactly as a dashboard built by another team would read it.
"use strict";

(function () {
  const L = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const C = JSON.parse(document.getElementById("dashboard-config").textContent);
  const form = document.getElementById("filters");
  const STAGES = ["lead", "negotiating", "signed", "under_construction", "in_operation"];
  const COLORS = {
    red: "#e5484d",
    yellow: "#f5a524",
    green: "#30a46c",
    blue: "#4c8dff",
    cyan: "#3ad6e0",
    text: "#d7e3ff",
    muted: "#8aa0c8",
    grid: "#23345a",
  };
  const charts = {};
  let generation = 0; // answers to an older filter choice are dropped

  // ECharts writes a tooltip that a formatter function returns as HTML (innerHTML): every
  // text in one, names from the API above all, goes through escapeHTML(). Axis labels, legends
  // and bar labels are drawn on the canvas and are never HTML; ECharts escapes its own
  // default tooltips and string templates. Tables and menus take text (textContent, Option).
  const escapeHTML = (text) => echarts.format.encodeHTML(String(text));

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
  }

  // Money comes in 万元; the dashboard shows 亿元 (10,000 万元).
  function yi(wan) {
    return Number(wan || 0) / 10000;
  }

  async function api(path, params) {
    const url = new URL(C.api + path, window.location.origin);
    Object.entries(params || {}).forEach(([name, value]) => {
      if (value !== "" && value !== null && value !== undefined) url.searchParams.set(name, value);
    });
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  function fill(select, options, withAll = true) {
    const current = select.value;
    select.replaceChildren();
    if (withAll) select.add(new Option(L.all, ""));
    options.forEach(([value, text]) => select.add(new Option(text, String(value))));
    if ([...select.options].some((option) => option.value === current)) select.value = current;
  }

  function choices() {
    return {
      year: form.year.value,
      origin_province: form.origin_province.value,
      host_division: form.host_division.value,
      industry_chain: form.industry_chain.value,
      department: form.department.value,
    };
  }

  function projectQuery(f, extra) {
    return Object.assign(
      {
        year: f.year,
        origin_province: f.origin_province,
        host_division: f.host_division,
        industry_chain: f.industry_chain,
        responsible_department: f.department,
      },
      extra,
    );
  }

  function taskQuery(f, extra) {
    return Object.assign({ year: f.year, lead_department: f.department }, extra);
  }

  function adminLink(list, params) {
    const query = new URLSearchParams();
    Object.entries(params).forEach(([name, value]) => value && query.set(name, value));
    return C.admin[list] + "?" + query.toString();
  }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id));
    return charts[id];
  }

  function show(id, option, empty) {
    const element = document.getElementById(id);
    element.dataset.empty = empty ? "true" : "false";
    const target = chart(id);
    if (empty) {
      target.setOption(
        {
          title: {
            text: L.noData,
            left: "center",
            top: "middle",
            textStyle: { color: COLORS.muted, fontSize: 16, fontWeight: "normal" },
          },
        },
        true,
      );
      return;
    }
    target.setOption(Object.assign({ textStyle: { color: COLORS.text } }, option), true);
  }

  const axisStyle = {
    axisLabel: { color: COLORS.text },
    axisLine: { lineStyle: { color: COLORS.grid } },
    splitLine: { lineStyle: { color: COLORS.grid } },
  };

  // Horizontal bars: funds in place (亿元) per group, labelled with the number of projects.
  function groupBars(id, stats, linkTo) {
    const groups = stats.groups.filter((group) => group.projects > 0).slice(0, 15).reverse();
    show(
      id,
      {
        tooltip: {
          trigger: "item",
          formatter: (p) =>
            [p.name, `${L.fundsInPlace}: ${p.value.toFixed(2)}`, `${L.count}: ${p.data.projects}`]
              .map(escapeHTML)
              .join("<br>"),
        },
        grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
        xAxis: Object.assign({ type: "value", show: false }),
        yAxis: Object.assign({ type: "category", data: groups.map((g) => g.label) }, axisStyle),
        series: [
          {
            name: L.fundsInPlace,
            type: "bar",
            barMaxWidth: 22,
            itemStyle: { color: COLORS.blue, borderRadius: [0, 3, 3, 0] },
            label: {
              show: true,
              position: "right",
              color: COLORS.text,
              formatter: (p) => `${p.value.toFixed(2)} · ${p.data.projects}`,
            },
            data: groups.map((g) => ({ value: yi(g.funds_in_place), key: g.key, projects: g.projects })),
          },
        ],
      },
      groups.length === 0,
    );
    chart(id).off("click");
    chart(id).on("click", (event) => {
      if (linkTo && event.data && event.data.key !== null) window.location.href = linkTo(event.data.key);
    });
  }

  function pipeline(stats) {
    const byStage = Object.fromEntries(stats.groups.map((group) => [group.key, group]));
    const data = STAGES.map((stage) => ({
      name: L.stages[stage],
      value: byStage[stage] ? byStage[stage].projects : 0,
      stage: stage,
    }));
    show(
      "chart-pipeline",
      {
        tooltip: { trigger: "item", formatter: (p) => escapeHTML(`${p.name}: ${p.value}`) },
        series: [
          {
            type: "funnel",
            sort: "none",
            left: "10%",
            width: "80%",
            minSize: "12%",
            label: { show: true, position: "inside", color: "#fff", formatter: "{b} {c}" },
            itemStyle: { borderColor: "#0b1a33" },
            color: ["#5b8def", "#4c7be0", "#3b69cf", "#2f5bbd", "#30a46c"],
            data: data,
          },
        ],
      },
      data.every((item) => item.value === 0),
    );
    chart("chart-pipeline").off("click");
    chart("chart-pipeline").on("click", (event) => {
      window.location.href = adminLink("projects", { stage: event.data.stage, year: form.year.value });
    });
  }

  function months(stats) {
    const groups = stats.groups.filter((group) => group.key).sort((a, b) => (a.key < b.key ? -1 : 1));
    let running = 0;
    show(
      "chart-months",
      {
        tooltip: { trigger: "axis" },
        legend: { data: [L.fundsInPlace], textStyle: { color: COLORS.text }, top: 0 },
        grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
        xAxis: Object.assign({ type: "category", data: groups.map((g) => g.key) }, axisStyle),
        yAxis: Object.assign({ type: "value" }, axisStyle),
        series: [
          {
            name: L.fundsInPlace,
            type: "bar",
            itemStyle: { color: COLORS.blue },
            data: groups.map((g) => Number(yi(g.funds_in_place).toFixed(2))),
          },
          {
            name: "∑",
            type: "line",
            smooth: true,
            itemStyle: { color: COLORS.cyan },
            data: groups.map((g) => Number((running += yi(g.funds_in_place)).toFixed(2))),
          },
        ],
      },
      groups.length === 0,
    );
  }

  function departments(stats) {
    const groups = stats.groups.filter((group) => group.tasks > 0);
    const shown = groups.slice().reverse(); // most overdue at the top
    const green = (g) => g.tasks - g.overdue - g.due_soon - g.cancelled;
    const series = [
      [L.overdue, COLORS.red, (g) => g.overdue],
      [L.dueSoon, COLORS.yellow, (g) => g.due_soon],
      [L.onTrack, COLORS.green, green],
    ].map(([name, color, value]) => ({
      name: name,
      type: "bar",
      stack: "tasks",
      itemStyle: { color: color },
      data: shown.map((g) => ({ value: value(g), key: g.key })),
    }));
    const option = {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { textStyle: { color: COLORS.text }, top: 0 },
      grid: { left: 8, right: 40, top: 40, bottom: 8, containLabel: true },
      xAxis: Object.assign({ type: "value", minInterval: 1 }, axisStyle),
      yAxis: Object.assign({ type: "category", data: shown.map((g) => g.label) }, axisStyle),
      series: series,
    };
    if (shown.length > 15) {
      option.dataZoom = [
        { type: "slider", yAxisIndex: 0, right: 4, width: 14, startValue: shown.length - 15, endValue: shown.length - 1 },
        { type: "inside", yAxisIndex: 0 },
      ];
    }
    show("chart-departments", option, shown.length === 0);
    chart("chart-departments").off("click");
    chart("chart-departments").on("click", (event) => {
      window.location.href = adminLink("tasks", {
        lead_department__id__exact: event.data.key,
        year: form.year.value,
      });
    });
  }

  // The supervision loop per department: what awaits receipt, the reports missing at the
  // last cut-off, and the open items on each rung of the escalation ladder.
  function supervision(answer) {
    const total = (d) =>
      d.awaiting_receipt + d.missing_reports + Object.values(d.rungs).reduce((a, b) => a + b, 0);
    const shown = answer.results.filter((d) => total(d) > 0).sort((a, b) => total(a) - total(b));
    const rungColors = [COLORS.cyan, COLORS.yellow, "#ff8a3d", COLORS.red, "#b4235a"];
    const series = [
      [L.awaitingReceipt, COLORS.blue, (d) => d.awaiting_receipt, { state__exact: "assigned" }],
      [L.missingReports, "#a78bfa", (d) => d.missing_reports, { reporting: "missing" }],
      ...answer.rungs.map((rung, index) => [
        rung.name,
        rungColors[index % rungColors.length],
        (d) => d.rungs[String(rung.working_days)] || 0,
        {},
      ]),
    ].map(([name, color, value, filter]) => ({
      name: name,
      type: "bar",
      stack: "loop",
      itemStyle: { color: color },
      data: shown.map((d) => ({ value: value(d), key: d.id, filter: filter })),
    }));
    show(
      "chart-supervision",
      {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { textStyle: { color: COLORS.text }, top: 0 },
        grid: { left: 8, right: 40, top: 56, bottom: 8, containLabel: true },
        xAxis: Object.assign({ type: "value", minInterval: 1 }, axisStyle),
        yAxis: Object.assign({ type: "category", data: shown.map((d) => d.short_name || d.name) }, axisStyle),
        series: series,
      },
      shown.length === 0,
    );
    chart("chart-supervision").off("click");
    chart("chart-supervision").on("click", (event) => {
      window.location.href = adminLink(
        "tasks",
        Object.assign({ lead_department__id__exact: event.data.key }, event.data.filter),
      );
    });
  }

  // Unsolved problems (困难问题), city-wide: per kind and per coordinating department,
  // past the deadline in red, the groups that waited longest on top; each bar opens the
  // problem register in the admin, filtered the same way.
  function blockerBars(id, stats, filterFor) {
    const shown = stats.groups.slice().reverse(); // oldest first from the API: on top
    const label = (g) => (g.key === null && stats.group_by !== "kind" ? L.awaitingCoordinator : g.label);
    const series = [
      [L.blockersOverdue, COLORS.red, (g) => g.overdue],
      [L.blockersOnTime, COLORS.blue, (g) => g.blockers - g.overdue],
    ].map(([name, color, value]) => ({
      name: name,
      type: "bar",
      stack: "blockers",
      barMaxWidth: 22,
      itemStyle: { color: color },
      data: shown.map((g) => ({ value: value(g), key: g.key })),
    }));
    show(
      id,
      {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { textStyle: { color: COLORS.text }, top: 0 },
        grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
        xAxis: Object.assign({ type: "value", minInterval: 1 }, axisStyle),
        yAxis: Object.assign({ type: "category", data: shown.map(label) }, axisStyle),
        series: series,
      },
      shown.length === 0,
    );
    chart(id).off("click");
    chart(id).on("click", (event) => {
      if (event.data && event.data.key !== null) {
        window.location.href = adminLink("blockers", Object.assign({ unsolved: "yes" }, filterFor(event.data.key)));
      }
    });
  }

  function oldestBlockers(page) {
    const body = document.getElementById("blockers");
    body.replaceChildren();
    if (page.results.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = 5;
      cell.className = "empty";
      cell.textContent = L.noData;
      return;
    }
    page.results.forEach((problem) => {
      const row = body.insertRow();
      const link = document.createElement("a");
      link.href = C.admin.blockers + problem.id + "/change/";
      link.textContent = problem.title;
      row.insertCell().append(link);
      row.insertCell().textContent = problem.project_name || problem.task_title || "";
      row.insertCell().textContent = problem.kind_label;
      row.insertCell().textContent = problem.coordinating_department_name || L.awaitingCoordinator;
      const age = row.insertCell();
      age.className = "light " + (problem.is_overdue ? "red" : "green");
      age.textContent = format(L.daysOpen, { days: problem.days_open });
    });
  }

  function deadlines(page) {
    const body = document.getElementById("deadlines");
    body.replaceChildren();
    if (page.results.length === 0) {
      const row = body.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 5;
      cell.className = "empty";
      cell.textContent = L.noData;
      return;
    }
    page.results.forEach((task) => {
      const row = body.insertRow();
      const link = document.createElement("a");
      link.href = C.admin.tasks + task.id + "/change/";
      link.textContent = task.code;
      row.insertCell().append(link);
      row.insertCell().textContent = task.title;
      row.insertCell().textContent = task.lead_department_name;
      row.insertCell().textContent = task.deadline;
      const state = row.insertCell();
      state.className = "light " + (task.light || "");
      state.textContent =
        task.days_left < 0
          ? format(L.daysOverdue, { days: -task.days_left })
          : format(L.daysLeft, { days: task.days_left });
    });
  }

  function headline(projects, tasks) {
    document.getElementById("kpi-projects").textContent = projects.projects;
    document.getElementById("kpi-investment").textContent = yi(projects.total_investment).toFixed(2);
    document.getElementById("kpi-funds").textContent = yi(projects.funds_in_place).toFixed(2);
    document.getElementById("kpi-tasks-done").textContent = tasks.done + " / " + tasks.tasks;
    document.getElementById("kpi-tasks-overdue").textContent = tasks.overdue;
  }

  function showError(message) {
    const banner = document.getElementById("error");
    banner.textContent = message;
    banner.hidden = false;
  }

  async function render() {
    const mine = ++generation;
    document.body.dataset.state = "loading";
    const f = choices();
    // The filters in the address; the ranking panels keep theirs there too (rankings.js).
    const query = new URLSearchParams(window.location.search);
    Object.entries(f).forEach(([name, value]) => (value ? query.set(name, value) : query.delete(name)));
    window.history.replaceState(null, "", "?" + query.toString());
    try {
      const stats = (groupBy) => api("stats/projects/", projectQuery(f, { group_by: groupBy }));
      const answers = await Promise.all([
        stats("stage"),
        stats("origin_province"),
        stats("host_division"),
        stats("industry_chain"),
        stats("month"),
        api("stats/tasks/", taskQuery(f, { group_by: "department" })),
        api("tasks/", taskQuery(f, { open: "true", ordering: "deadline", page_size: 10 })),
        api("reporting/departments/", {}),
        api("stats/blockers/", { group_by: "kind" }),
        api("stats/blockers/", { group_by: "coordinating_department" }),
        api("blockers/", { unsolved: "true", ordering: "raised_at", page_size: 10 }),
        // A province's roll-up city by city (config.byCity: a province user's page).
        C.byCity ? stats("city") : null,
      ]);
      if (mine !== generation) return;
      const [stage, origin, county, chain, monthly, tasks, next, loop] = answers;
      const [blockerKinds, blockerDepartments, oldest, cities] = answers.slice(8);
      document.getElementById("error").hidden = true;
      headline(stage.total, tasks.total);
      pipeline(stage);
      groupBars("chart-origin", origin, (key) =>
        adminLink("projects", { origin_province: key, year: f.year }),
      );
      groupBars("chart-county", county, (key) =>
        adminLink("projects", { host_division__id__exact: key, year: f.year }),
      );
      groupBars("chart-chain", chain, (key) =>
        adminLink("projects", { industry_chain__id__exact: key, year: f.year }),
      );
      // No link: a province's admin lists only what its cities share, not the whole figure.
      if (cities) groupBars("chart-city", cities, null);
      months(monthly);
      departments(tasks);
      supervision(loop);
      deadlines(next);
      blockerBars("chart-blocker-kinds", blockerKinds, (key) => ({ kind__exact: key }));
      blockerBars("chart-blocker-departments", blockerDepartments, (key) => ({
        coordinating_department__id__exact: key,
      }));
      oldestBlockers(oldest);
      document.body.dataset.empty = stage.total.projects === 0 && tasks.total.tasks === 0 ? "true" : "false";
      document.body.dataset.state = "ready";
    } catch (error) {
      if (mine !== generation) return;
      showError(format(L.loadFailed, { error: error.message }));
      document.body.dataset.state = "error";
    }
  }

  async function counties(year) {
    const stats = await api("stats/projects/", { group_by: "host_division", year: year });
    fill(
      form.host_division,
      stats.groups.filter((group) => group.key !== null).map((group) => [group.key, group.label]),
    );
  }

  async function start() {
    const wanted = new URLSearchParams(window.location.search);
    try {
      const [years, provinces, chains, departmentList] = await Promise.all([
        api("stats/projects/", { group_by: "year" }),
        api("divisions/", { level: "province", page_size: 500 }),
        api("industry-chains/", { page_size: 500 }),
        api("departments/", { page_size: 500 }),
      ]);
      const known = new Set(years.groups.map((group) => group.key).filter((key) => key !== null));
      known.add(C.currentYear);
      fill(form.year, [...known].sort((a, b) => b - a).map((year) => [year, String(year)]), false);
      form.year.value = wanted.get("year") || String(C.currentYear);
      fill(form.origin_province, provinces.results.map((d) => [d.id, d.name]));
      fill(form.industry_chain, chains.results.map((c) => [c.id, c.name]));
      fill(form.department, departmentList.results.map((d) => [d.id, d.short_name || d.name]));
      await counties(form.year.value);
      ["origin_province", "host_division", "industry_chain", "department"].forEach((name) => {
        if (wanted.get(name)) form[name].value = wanted.get(name);
      });
    } catch (error) {
      showError(format(L.loadFailed, { error: error.message }));
      document.body.dataset.state = "error";
      return;
    }
    form.addEventListener("change", async (event) => {
      if (event.target === form.year) {
        try {
          await counties(form.year.value);
        } catch (error) {
          // render() below reports the failure
        }
      }
      render();
    });
    window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
    render();
  }

  start();
})();
