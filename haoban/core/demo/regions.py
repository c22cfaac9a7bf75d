"""Regions (GB/T 2260) and service centers of the four-level service system (seed Art. 11).

County-level and above use the GB/T 2260 codes of 福建省 and 莆田市. The two management committees
(管委会) 湄洲岛国家旅游度假区 and 北岸经济开发区 are county-level but have **no GB/T 2260 code of their own**
(their territory belongs to 秀屿区 in GB/T 2260); the demo gives them the *local* codes 350391 and 350392,
and their towns local 9-digit codes below those. Town (乡镇/街道, 9 digits) and village (村/社区, 12 digits)
codes follow the structure of the statistical division codes; names are real, the codes are plausible.
"""

from __future__ import annotations

from typing import NamedTuple


class RegionSpec(NamedTuple):
    code: str
    name: str
    kind: str  # Region.Kind value
    parent: str | None  # parent region code
    is_management_committee: bool = False


class CenterSpec(NamedTuple):
    name: str
    region: str  # region code; the kind follows the region (Art. 11)
    address: str
    phone: str
    star_rating: int | None = None  # only 便民服务中心 / 便民服务站


PROVINCE = "350000"
CITY = "350300"
CHENGXIANG = "350302"
HANJIANG = "350303"
LICHENG = "350304"
XIUYU = "350305"
XIANYOU = "350322"
MEIZHOU_ISLAND = "350391"  # local code: 管委会, no GB/T 2260 code of its own
BEIAN = "350392"  # local code: 管委会, no GB/T 2260 code of its own

# Parents come before children.
REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec(PROVINCE, "福建省", "province", None),
    RegionSpec(CITY, "莆田市", "city", PROVINCE),
    RegionSpec(CHENGXIANG, "城厢区", "county", CITY),
    RegionSpec(HANJIANG, "涵江区", "county", CITY),
    RegionSpec(LICHENG, "荔城区", "county", CITY),
    RegionSpec(XIUYU, "秀屿区", "county", CITY),
    RegionSpec(XIANYOU, "仙游县", "county", CITY),
    RegionSpec(MEIZHOU_ISLAND, "湄洲岛国家旅游度假区", "county", CITY, True),
    RegionSpec(BEIAN, "北岸经济开发区", "county", CITY, True),
    # 乡镇（街道）
    RegionSpec("350302001", "龙桥街道", "town", CHENGXIANG),
    RegionSpec("350302002", "凤凰山街道", "town", CHENGXIANG),
    RegionSpec("350302003", "霞林街道", "town", CHENGXIANG),
    RegionSpec("350302101", "华亭镇", "town", CHENGXIANG),
    RegionSpec("350303001", "涵东街道", "town", HANJIANG),
    RegionSpec("350303002", "涵西街道", "town", HANJIANG),
    RegionSpec("350303101", "江口镇", "town", HANJIANG),
    RegionSpec("350304001", "镇海街道", "town", LICHENG),
    RegionSpec("350304002", "拱辰街道", "town", LICHENG),
    RegionSpec("350304100", "西天尾镇", "town", LICHENG),
    RegionSpec("350305100", "笏石镇", "town", XIUYU),
    RegionSpec("350305101", "东庄镇", "town", XIUYU),
    RegionSpec("350322001", "鲤城街道", "town", XIANYOU),
    RegionSpec("350322100", "鲤南镇", "town", XIANYOU),
    RegionSpec("350322101", "枫亭镇", "town", XIANYOU),
    RegionSpec("350391100", "湄洲镇", "town", MEIZHOU_ISLAND),
    RegionSpec("350392100", "山亭镇", "town", BEIAN),
    # 村（社区）
    RegionSpec("350302001001", "英龙社区", "village", "350302001"),
    RegionSpec("350302003201", "霞林村", "village", "350302003"),
    RegionSpec("350303001002", "宫口社区", "village", "350303001"),
    RegionSpec("350304001003", "梅峰社区", "village", "350304001"),
    RegionSpec("350305100201", "笏石村", "village", "350305100"),
    RegionSpec("350322101201", "枫亭村", "village", "350322101"),
    RegionSpec("350391100201", "宫下村", "village", "350391100"),
)

OFFICE_HOURS = "工作日 8:00–12:00，14:30–17:30"

CENTERS: tuple[CenterSpec, ...] = (
    CenterSpec("莆田市行政服务中心", CITY, "莆田市荔城区荔园东路 1 号市民服务中心", "0594-2288001"),
    CenterSpec("城厢区政务服务中心", CHENGXIANG, "莆田市城厢区凤凰山街道荔城中大道", "0594-2610001"),
    CenterSpec("涵江区政务服务中心", HANJIANG, "莆田市涵江区涵西街道涵华西路", "0594-3310001"),
    CenterSpec("荔城区政务服务中心", LICHENG, "莆田市荔城区镇海街道荔园路", "0594-2510001"),
    CenterSpec("秀屿区政务服务中心", XIUYU, "莆田市秀屿区笏石镇兴业路", "0594-5810001"),
    CenterSpec("仙游县政务服务中心", XIANYOU, "莆田市仙游县鲤城街道八二五大街", "0594-8210001"),
    CenterSpec(
        "湄洲岛国家旅游度假区政务服务中心", MEIZHOU_ISLAND, "莆田市湄洲岛湄洲镇宫下村", "0594-5090001"
    ),
    CenterSpec("北岸经济开发区政务服务中心", BEIAN, "莆田市北岸经济开发区山亭镇", "0594-5780001"),
    CenterSpec("龙桥街道便民服务中心", "350302001", "莆田市城厢区龙桥街道", "0594-2630101", 5),
    CenterSpec("霞林街道便民服务中心", "350302003", "莆田市城厢区霞林街道", "0594-2630301", 4),
    CenterSpec("涵东街道便民服务中心", "350303001", "莆田市涵江区涵东街道", "0594-3330101", 4),
    CenterSpec("镇海街道便民服务中心", "350304001", "莆田市荔城区镇海街道", "0594-2530101", 5),
    CenterSpec("笏石镇便民服务中心", "350305100", "莆田市秀屿区笏石镇", "0594-5830101", 3),
    CenterSpec("鲤城街道便民服务中心", "350322001", "莆田市仙游县鲤城街道", "0594-8230101", 4),
    CenterSpec("湄洲镇便民服务中心", "350391100", "莆田市湄洲岛湄洲镇", "0594-5090101", 4),
    CenterSpec("英龙社区便民服务站", "350302001001", "莆田市城厢区龙桥街道英龙社区", "0594-2630111", 4),
    CenterSpec("梅峰社区便民服务站", "350304001003", "莆田市荔城区镇海街道梅峰社区", "0594-2530131", 5),
    CenterSpec("笏石村便民服务站", "350305100201", "莆田市秀屿区笏石镇笏石村", "0594-5830121", 3),
    CenterSpec("枫亭村便民服务站", "350322101201", "莆田市仙游县枫亭镇枫亭村", "0594-8230121", 2),
    CenterSpec("宫下村便民服务站", "350391100201", "莆田市湄洲岛湄洲镇宫下村", "0594-5090121", 3),
)
