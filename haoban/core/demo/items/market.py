"""市场监管 items: food business licence (at two levels, with deliberate deviations), individual businesses
(at two counties, identical), retail pharmacies, special equipment, whistle-blower rewards."""

from __future__ import annotations

from typing import Any

from ..departments import license_type_code
from ..regions import CHENGXIANG, LICHENG
from .common import (
    ADDRESS,
    Content,
    ItemSpec,
    accept,
    basis,
    choice,
    city_window,
    content,
    decide,
    deliver,
    e_license,
    entity_form,
    immediate_steps,
    issue,
    material,
    person_form,
    review,
    shared_data,
    step,
    text,
)

FOOD_LICENSE = "350126001000"
INDIVIDUAL_BUSINESS = "350126002000"

FOOD_LICENSE_BASES = [
    basis(
        "《中华人民共和国食品安全法》",
        "第三十五条",
        "国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。"
        "但是，销售食用农产品和仅销售预包装食品的，不需要取得许可。",
    ),
    basis("《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）"),
]

FOOD_LICENSE_MATERIALS = [
    material("食品经营许可申请书", fmt="both"),
    e_license("营业执照", "营业执照电子证照（市场监管部门）"),
    shared_data("法定代表人（负责人）身份证", "公安人口基础信息（居民身份证）"),
    material("与食品经营相适应的主要设备设施布局、操作流程等文件"),
    material("食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度"),
]

# The deliberate deviation of 仙游县: one material the provincial standard does not ask for.
FOOD_LICENSE_EXTRA_MATERIAL = material(
    "经营场所产权证明或者租赁合同", originals=0, copies=1, notes="仙游县额外要求（与省级标准不一致）。"
)


def food_license(*, location: str, phone: str, **overrides: Any) -> Content:
    """食品经营许可 as the provincial standard (五级十五同) defines it; ``overrides`` are local deviations."""
    standard = content(
        name="食品经营许可",
        item_type="01",
        location=location,
        phone=phone,
        applicant_kinds=["2", "6"],
        conditions=(
            "（一）具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，保持该场所环境整洁，"
            "并与有毒、有害场所以及其他污染源保持规定的距离；（二）具有与经营的食品品种、数量相适应的经营设备或者设施；"
            "（三）有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；（四）具有合理的设备布局和工艺流程，"
            "防止待加工食品与直接入口食品、原料与成品交叉污染；（五）法律、法规规定的其他条件。"
        ),
        review_points="经营场所、设备设施布局与申请材料是否一致；操作流程是否避免交叉污染；食品安全管理制度是否健全。",
        legal_limit_amount=10,
        promised_limit_amount=5,
        extension_amount=5,
        visits_required=1,
        online_depth=4,
        channels=["pc", "mobile", "window"],
        result_name="食品经营许可证",
        result_type="licence",
        license_type="食品经营许可证",
        license_type_code=license_type_code("market", 1),
        form_schema=entity_form(
            "食品经营许可申请书",
            text("premises_address", "经营场所", maxLength=200),
            choice("business_form", "主体业态", ["食品销售经营者", "餐饮服务经营者", "单位食堂"]),
            (
                "business_items",
                {
                    "type": "array",
                    "title": "经营项目",
                    "items": {
                        "type": "string",
                        "enum": [
                            "散装食品销售",
                            "特殊食品销售",
                            "热食类食品制售",
                            "冷食类食品制售",
                            "自制饮品制售",
                        ],
                    },
                    "minItems": 1,
                    "uniqueItems": True,
                },
            ),
        ),
        legal_bases=FOOD_LICENSE_BASES,
        materials=FOOD_LICENSE_MATERIALS,
        steps=[
            accept(1),
            review(2, "审查申请材料；需要现场核查的，组织现场核查。"),
            decide(1),
            issue(1),
            step("送达", "window_clerk", 0, "电子证照即时推送，纸质证照可免费邮寄。"),
        ],
        service_tags=["online", "mobile", "certificate_free", "tolerant_acceptance", "by_post"],
    )
    unknown = set(overrides) - set(standard)
    if unknown:
        raise KeyError(f"unknown content keys: {sorted(unknown)}")
    return standard | overrides


def individual_business(*, location: str, phone: str) -> Content:
    """个体工商户设立登记: identical in every county (the no-deviation pair)."""
    return content(
        name="个体工商户设立登记",
        item_type="01",
        location=location,
        phone=phone,
        applicant_kinds=["1"],
        conditions="有经营能力的公民从事工商业经营的，可以申请登记为个体工商户；经营范围不属于法律、行政法规禁止的项目。",
        review_points="对申请材料进行形式审查：材料齐全、符合法定形式的当场登记。",
        legal_limit_amount=3,
        promised_limit_amount=0,
        extension_amount=3,
        handling_type="immediate",
        visits_required=0,
        online_depth=4,
        channels=["pc", "mobile", "kiosk", "window"],
        result_name="营业执照（个体工商户）",
        result_type="licence",
        license_type="营业执照",
        license_type_code=license_type_code("market", 2),
        form_schema=person_form(
            "个体工商户登记（备案）申请书",
            text("trade_name", "名称（字号）", maxLength=60),
            text("premises", "经营场所", maxLength=200),
            text("business_scope", "经营范围", maxLength=500),
            choice("composition", "组成形式", ["个人经营", "家庭经营"]),
        ),
        legal_bases=[
            basis("《促进个体工商户发展条例》（国务院令第755号）"),
            basis(
                "《中华人民共和国市场主体登记管理条例》",
                "第十九条",
                "登记机关应当对申请材料进行形式审查。对申请材料齐全、符合法定形式的予以确认并当场登记。"
                "不能当场登记的，应当在3个工作日内予以登记；情形复杂的，经登记机关负责人批准，可以再延长3个工作日。",
            ),
        ],
        materials=[
            material(
                "个体工商户登记（备案）申请书", originals=0, fmt="electronic", notes="网上填报，电子签名。"
            ),
            shared_data("经营者身份证明", "公安人口基础信息（居民身份证）"),
            material(
                "住所（经营场所）申报承诺书",
                originals=0,
                fmt="electronic",
                notes="莆田市实行住所申报承诺制。",
            ),
        ],
        steps=immediate_steps(),
        service_tags=[
            "immediate",
            "online",
            "mobile",
            "self_service",
            "zero_visit",
            "instant_approval",
            "certificate_free",
        ],
    )


ITEMS: tuple[ItemSpec, ...] = (
    # The two-level pair with deliberate deviations (五级十五同 audit).
    ItemSpec(
        key="food_license_city",
        department="market",
        level=3,
        basic_code=FOOD_LICENSE,
        content=food_license(location=city_window("二楼 B 区市场监管窗口"), phone="0594-2687001"),
    ),
    ItemSpec(
        key="food_license_xianyou",
        department="xianyou_market",
        level=4,
        basic_code=FOOD_LICENSE,
        content=food_license(
            location="仙游县政务服务中心 一楼市场监管窗口",
            phone="0594-8210026",
            name="食品经营许可证核发",
            promised_limit_amount=8,
            online_depth=3,
            materials=[*FOOD_LICENSE_MATERIALS, FOOD_LICENSE_EXTRA_MATERIAL],
        ),
    ),
    # The identical pair (no deviation).
    ItemSpec(
        key="individual_business_chengxiang",
        department="chengxiang_market",
        level=4,
        basic_code=INDIVIDUAL_BUSINESS,
        region=CHENGXIANG,
        content=individual_business(location="城厢区政务服务中心 企业登记综合窗口", phone="0594-2610026"),
    ),
    ItemSpec(
        key="individual_business_licheng",
        department="licheng_market",
        level=4,
        basic_code=INDIVIDUAL_BUSINESS,
        region=LICHENG,
        content=individual_business(location="荔城区政务服务中心 企业登记综合窗口", phone="0594-2510026"),
    ),
    ItemSpec(
        key="pharmacy_license",
        department="chengxiang_market",
        level=4,
        basic_code="350126003000",
        content=content(
            name="药品零售企业许可",
            item_type="01",
            location="城厢区政务服务中心 市场监管窗口",
            phone="0594-2610026",
            applicant_kinds=["2", "6"],
            conditions=(
                "有依法经过资格认定的药师或者其他药学技术人员；有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境；"
                "有与所经营药品相适应的质量管理机构或者人员；有保证药品质量的规章制度，并符合药品经营质量管理规范要求。"
            ),
            review_points="执业药师配备、营业场所与仓储设施、质量管理制度是否符合《药品经营质量管理规范》。",
            legal_limit_amount=20,
            promised_limit_amount=10,
            visits_required=1,
            online_depth=3,
            result_name="药品经营许可证",
            result_type="licence",
            license_type="药品经营许可证",
            license_type_code=license_type_code("market", 3),
            form_schema=entity_form(
                "药品经营许可证申请表",
                text("premises_address", "经营地址", maxLength=200),
                text("pharmacist_name", "执业药师姓名", maxLength=50),
                choice("scope", "经营范围", ["处方药、非处方药", "乙类非处方药"]),
            ),
            legal_bases=[
                basis(
                    "《中华人民共和国药品管理法》",
                    "第五十一条",
                    "从事药品零售活动，应当经所在地县级以上地方人民政府药品监督管理部门批准，取得药品经营许可证。",
                ),
                basis("《药品经营和使用质量监督管理办法》（国家市场监督管理总局令第84号）"),
            ],
            materials=[
                material("药品经营许可证申请表"),
                e_license("营业执照", "营业执照电子证照（市场监管部门）"),
                e_license("执业药师注册证", "执业药师注册证电子证照"),
                material("经营场所和仓库的产权证明或者使用权证明", originals=0, copies=1),
                material("经营场所、仓库平面布置图", originals=1),
                material("药品质量管理制度文件目录"),
            ],
            steps=[accept(1), review(6, "审查材料并组织现场检查。"), decide(1), issue(1), deliver(1)],
            service_tags=["once", "online", "tolerant_acceptance"],
        ),
    ),
    ItemSpec(
        key="special_equipment_registration",
        department="market",
        level=3,
        basic_code="350126004000",
        content=content(
            name="特种设备使用登记",
            item_type="01",
            location=city_window("二楼 B 区市场监管窗口"),
            phone="0594-2687001",
            applicant_kinds=["2", "3", "6"],
            conditions="特种设备已经监督检验或者定期检验合格；使用单位已建立安全管理制度并配备安全管理人员。",
            review_points="设备产品合格证、监督检验证明与设备实物信息是否一致。",
            legal_limit_amount=15,
            promised_limit_amount=3,
            extension_amount=0,
            max_extensions=0,
            visits_required=0,
            online_depth=4,
            result_name="特种设备使用登记证",
            result_type="licence",
            license_type="特种设备使用登记证",
            license_type_code=license_type_code("market", 4),
            form_schema=entity_form(
                "特种设备使用登记表",
                choice(
                    "equipment_kind",
                    "设备类别",
                    ["电梯", "起重机械", "场（厂）内专用机动车辆", "压力容器", "锅炉"],
                ),
                text("product_number", "产品编号", maxLength=60),
                ADDRESS,
            ),
            legal_bases=[
                basis(
                    "《中华人民共和国特种设备安全法》",
                    "第三十三条",
                    "特种设备使用单位应当在特种设备投入使用前或者投入使用后三十日内，向负有特种设备安全监督管理职责的部门"
                    "办理使用登记，取得使用登记证书。登记标志应当置于该特种设备的显著位置。",
                ),
                basis("《特种设备使用管理规则》（TSG 08—2017）"),
            ],
            materials=[
                material("特种设备使用登记表", originals=0, fmt="electronic"),
                e_license("营业执照", "营业执照电子证照（市场监管部门）"),
                material("特种设备产品合格证", originals=0, copies=1, fmt="electronic"),
                material("监督检验证明", originals=0, copies=1, fmt="electronic"),
            ],
            steps=[accept(1), review(1), decide(1), step("送达", "window_clerk", 0, "电子证照即时推送。")],
            service_tags=["online", "zero_visit", "by_post"],
        ),
    ),
    ItemSpec(
        key="whistleblower_reward",
        department="market",
        level=3,
        basic_code="350826001000",
        content=content(
            name="市场监管领域重大违法行为举报奖励",
            item_type="08",
            location=city_window("二楼 B 区市场监管窗口"),
            phone="0594-2687001",
            applicant_kinds=["1", "2", "6"],
            conditions="实名举报市场监管领域重大违法行为，举报内容经查证属实并结案，且举报前市场监管部门未掌握相关违法行为。",
            review_points="举报内容与查处结果的对应关系；举报人身份；奖励等级与金额。",
            legal_limit_amount=30,
            promised_limit_amount=20,
            extension_amount=0,
            max_extensions=0,
            visits_required=1,
            online_depth=3,
            result_name="举报奖励决定书",
            result_type="approval_document",
            form_schema=person_form(
                "举报奖励申请表",
                text("case_number", "举报登记编号", maxLength=40),
                text("bank_account", "收款银行账号", pattern="^[0-9]{12,30}$"),
            ),
            legal_bases=[
                basis("《市场监管领域重大违法行为举报奖励暂行办法》（市场监管总局、财政部，2021 年）")
            ],
            materials=[
                material("举报奖励申请表"),
                shared_data("举报人身份证明", "公安人口基础信息（居民身份证）"),
                material("本人银行账户信息", originals=0, copies=1),
            ],
            steps=[
                accept(1),
                review(14, "核实举报内容与查处结果的对应关系，确定奖励等级。"),
                decide(3),
                deliver(2),
            ],
            service_tags=["online", "mobile"],
        ),
    ),
)
