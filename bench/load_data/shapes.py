"""What the load data looks like: its places, bureaus, names and words, and the shares
of stages and the gaps between milestones that make it read like a real tracker."""

from projects.choices import Stage
from regions.choices import DivisionLevel
from tracker.choices import Aspect

# (province code, number of synthetic cities); 25 cities in all.
PROVINCES = (("130000", "河北省", 13), ("370000", "山东省", 12))
FIRST_CITY_NUMBER = 71
# (level, code suffix, name pattern) of each city's eight county-level divisions, coded
# like real ones: districts 01…, counties 21…, county-level cities 81.
COUNTY_PLAN = (
    (DivisionLevel.DISTRICT, "01", "合成区{city}-1"),
    (DivisionLevel.DISTRICT, "02", "合成区{city}-2"),
    (DivisionLevel.DISTRICT, "03", "合成区{city}-3"),
    (DivisionLevel.COUNTY, "21", "合成县{city}-4"),
    (DivisionLevel.COUNTY, "22", "合成县{city}-5"),
    (DivisionLevel.COUNTY, "23", "合成县{city}-6"),
    (DivisionLevel.COUNTY, "24", "合成县{city}-7"),
    (DivisionLevel.COUNTY_LEVEL_CITY, "81", "合成市{city}-8"),
)
BUREAUS = (
    ("商务局", "商务局"),
    ("投资促进局", "投促局"),
    ("发展和改革委员会", "发改委"),
    ("工业和信息化局", "工信局"),
    ("科学技术局", "科技局"),
    ("财政局", "财政局"),
    ("自然资源和规划局", "自然资源局"),
    ("生态环境局", "生态环境局"),
    ("住房和城乡建设局", "住建局"),
    ("交通运输局", "交通局"),
    ("农业农村局", "农业农村局"),
    ("行政审批服务局", "审批局"),
)
# Commerce and investment promotion hold most projects, as in the real ledgers.
LEAD_BUREAUS = 2
OFFICIALS_PER_DEPARTMENT = 2

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏飞晨阳"
BRAND_CHARS = "华恒瑞安盛泰鑫达宏远中科金源德创新博通利晟嘉联合润丰信诚汇宝隆兴天元正"
SECTORS = (
    "科技",
    "新材料",
    "新能源",
    "医药",
    "智能装备",
    "食品",
    "物流",
    "环保科技",
    "电子",
    "生物科技",
    "汽车零部件",
    "数据科技",
)
COMPANY_SUFFIXES = ("有限公司", "有限公司", "股份有限公司", "集团有限公司")
PRODUCTS = (
    ("新能源汽车零部件", "万套"),
    ("锂电池正极材料", "万吨"),
    ("光伏组件", "万片"),
    ("氢燃料电池电堆", "台"),
    ("高端轴承", "万套"),
    ("医疗器械", "万台"),
    ("功能糖", "万吨"),
    ("预制菜", "万吨"),
    ("新型建材", "万立方米"),
    ("智能家居", "万件"),
    ("工业机器人", "台"),
    ("体育器材", "万件"),
    ("纺织面料", "万米"),
    ("半导体封装", "亿颗"),
)
PROJECT_KINDS = ("产业园", "研发及产业化", "智能制造基地", "生产线建设", "总部及研发中心")
UPDATE_NOTES = {
    Stage.LEAD: ("获取项目线索，已建立联系", "企业来访考察", "组织首次对接洽谈"),
    Stage.NEGOTIATING: ("双方就用地和配套进行洽谈", "企业赴园区实地考察", "合作协议条款磋商中"),
    Stage.SIGNED: ("项目已签约，推进手续办理", "办理土地摘牌手续", "完成环评批复"),
    Stage.UNDER_CONSTRUCTION: ("主体工程施工中", "设备采购安装", "厂房封顶，推进配套建设"),
    Stage.IN_OPERATION: ("项目已投产，运行平稳", "产能逐步释放", "达产达效"),
    Stage.DROPPED: ("企业投资计划调整，项目终止", "因市场变化项目终止"),
}
TASK_TEMPLATES = (
    "组织赴{place}开展{theme}专题招商活动",
    "推动{chain}产业链项目对接落地",
    "完成{n}个京津冀合作项目签约",
    "建立{theme}工作台账并按月调度",
    "争取{n}家京津企业设立区域总部或分支机构",
    "推进与{place}共建产业合作园区",
    "举办{theme}对接洽谈会",
    "梳理{chain}产业链招商图谱和目标企业清单",
)
TASK_THEMES = ("产业协同", "科技成果转化", "农产品供应", "劳动力对接", "生态共建", "飞地经济")
WORK_POINT_THEMES = {
    Aspect.INDUSTRY: ("推进靶向精准招商", "承接产业转移", "培育产业集群"),
    Aspect.MARKET: ("拓展京津消费市场", "建设农产品供应基地", "对接人力资源市场"),
    Aspect.PLATFORM: ("建设合作园区", "打造科技创新平台", "共建产业转移承接平台"),
    Aspect.POLICY: ("对标京津营商环境", "推动政务服务互认", "落实协同发展政策"),
    Aspect.XIONGAN: ("服务雄安新区建设", "承接雄安疏解项目", "保障雄安农产品供应"),
}

# Share of stages by the age of the ledger year: recent projects are still leads or in
# talks, older ones mostly built or in operation, some dropped along the way.
STAGES = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.UNDER_CONSTRUCTION,
    Stage.IN_OPERATION,
    Stage.DROPPED,
)
STAGE_WEIGHTS_BY_AGE = (
    (35, 30, 20, 10, 0, 5),
    (15, 20, 30, 25, 3, 7),
    (6, 10, 20, 35, 19, 10),
    (6, 10, 20, 35, 19, 10),
    (3, 5, 8, 27, 45, 12),
)
# Days from the previous milestone to this one: (fewest, most).
MILESTONE_GAPS = {
    Stage.NEGOTIATING: (15, 120),
    Stage.SIGNED: (30, 300),
    Stage.UNDER_CONSTRUCTION: (30, 400),
    Stage.IN_OPERATION: (150, 720),
    Stage.DROPPED: (30, 400),
}
PIPELINE = STAGES[:5]
