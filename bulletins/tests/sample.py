"""Hand-made bulletin content, for testing the writers without a database."""

import datetime
from decimal import Decimal

from bulletins.content import (
    BulletinContent,
    CooperationLine,
    Figures,
    OpenProblem,
    OverdueTask,
    RankingLine,
    RankingTable,
    bulletin_title,
    document_number,
)

HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def line(rank, name, score, listed="", code="", discipline=False, rank_change=None):
    return RankingLine(
        rank=rank,
        rank_change=rank_change,
        name=name,
        code=code,
        score=Decimal(score),
        listed=listed,
        rates=(Decimal("1.1000"), Decimal("0.8500"), None, Decimal("0.5123"), Decimal("1.0000")),
        year_to_date=(11, 17, 3, Decimal("25600.00"), 9),
        in_period=(1, 2, 0, Decimal("1200.50"), 1),
        targets=(10, 20, None, Decimal("50000.00"), 9),
        on_time_rate=Decimal("0.9500") if discipline else None,
        overdue_tasks=2 if discipline else None,
    )


# The cooperation ledger by kind, in the order of cooperation.choices.CooperationKind: the
# documents' 2023 figures (36 platforms, 33 achievements, 78 firms, 34 incubated projects of
# which 11 landed with 14.69 亿元, 7 medical consortia), and a talent line with people.
COOPERATION = (
    CooperationLine("key_item", "一部门一重点", 74, 2, 5, Decimal("0"), 0, 0, Decimal("0")),
    CooperationLine("agreement", "框架协议", 3, 0, 1),
    CooperationLine("platform", "创新平台", 36, 4, 3, Decimal("12000.50")),
    CooperationLine("achievement", "科技成果引进", 33, 3, 3),
    CooperationLine("firm_cooperation", "企业与高校院所合作", 78, 6, 6),
    CooperationLine("incubated", "孵化项目", 34, 1, 2, Decimal("146900"), 0, 11, Decimal("146900")),
    CooperationLine("medical", "医疗合作", 12, 0, 1),
    CooperationLine("medical_consortium", "医联体", 7, 0, 0),
    CooperationLine("talent", "人才合作", 2, 0, 0, Decimal("0"), 1200),
)


def sample_content(kind="month", end=datetime.date(2023, 12, 31), **changes):
    start = end.replace(day=1) if kind == "month" else end - datetime.timedelta(days=6)
    values = {
        "kind": kind,
        "start": start,
        "end": end,
        "issuer": "德州市推进京津冀协同发展工作领导小组办公室",
        "number": document_number("德协办通", kind, start),
        "title": bulletin_title(kind, start, end),
        "period": Figures(4, 12, 3, Decimal("98765.43"), 10, Decimal("65000.00"), 1),
        "previous": Figures(6, 9, 3, Decimal("100000.00"), 8, Decimal("50000.00"), 0),
        "year_to_date": Figures(180, 210, 40, Decimal("2345678.90"), 169, Decimal("1177700"), 2),
        "previous_year_to_date": Figures(
            176, 198, 37, Decimal("2246913.47"), 159, Decimal("1112700"), 1
        ),
        "counties": RankingTable(
            "county",
            (
                line(1, "陵城区", "98.50", "red", "371403", rank_change=2),
                line(2, "禹城市", "90.00", "red", "371482", rank_change=-1),
                line(3, HOSTILE, "55.00", "black", "371499", rank_change=0),
            ),
        ),
        "departments": RankingTable(
            "department",
            (
                line(1, "德州市商务局", "101.20", "red", discipline=True),
                line(2, "德州市发展和改革委员会", "48.00", "black", discipline=True),
            ),
        ),
        "overdue_tasks": (
            OverdueTask(
                "KT-2023-007", "制定对接服务清单", "德州市商务局", datetime.date(2023, 9, 30), 92
            ),
        ),
        "open_problems": (
            OpenProblem(
                "用地指标不足",
                "数字化工厂项目",
                "德州市商务局",
                "德州市自然资源和规划局",
                datetime.date(2023, 11, 2),
                datetime.date(2024, 1, 15),
                "协调中",
                59,
            ),
        ),
        "cooperation": COOPERATION,
    }
    values.update(changes)
    return BulletinContent(**values)
