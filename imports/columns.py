"""Column names as they appear in real sheets (Chinese and English), per field.

A header cell is compared after `match_key` (full-width → ASCII, spaces removed, case
folded) and with a trailing bracket taken off: "数量（箱）" is the quantity column, and its
"箱" becomes the unit of every quantity in it that names no unit of its own.
"""

DONOR = ("捐赠单位", "捐赠方", "捐赠人", "捐赠者", "捐助单位", "捐赠单位/个人", "捐赠来源", "来源")
RECEIVER = (
    "接收单位",
    "受赠单位",
    "领取单位",
    "受助单位",
    "发放对象",
    "发放单位",
    "接收方",
    "分配单位",
    "去向",
    "收货单位",
)
ITEM = ("品名", "物资名称", "入库物资", "物品名称", "物资", "物资品名", "捐赠物资", "名称", "品种")
SPEC = ("规格", "规格型号", "型号", "包装规格", "规格/型号")
UNIT = ("计量单位", "单位", "单位名")
QUANTITY = (
    "数量",
    "数量总计",
    "总数量",
    "捐赠数量",
    "发放数量",
    "入库数量",
    "出库数量",
    "需求数量",
    "申请数量",
    "数目",
)
BATCH = ("批号", "批次", "生产批号", "批次号")
EXPIRY = ("有效期", "有效期至", "失效日期", "保质期至", "有效日期")
DATE = ("日期", "接收日期", "捐赠日期", "入库日期", "发放日期", "到货日期", "时间", "领取日期")
REFERENCE = ("编号", "单号", "捐赠编号", "入库单号", "凭证号", "收据号")
NOTE = ("备注", "说明", "附注", "备注说明")

_ENGLISH = {
    "donor": ("donor", "donor name", "from", "donated by"),
    "receiver": ("receiver", "recipient", "received by", "served unit", "served_unit", "to"),
    "item": ("item", "item name", "goods", "product", "item_code"),
    "spec": ("spec", "specification", "size", "packing"),
    "unit": ("unit", "uom"),
    "quantity": ("quantity", "qty", "amount", "count"),
    "batch": ("batch", "lot", "batch number"),
    "expiry": ("expiry", "expiry date", "expires", "best before"),
    "date": ("date", "received on", "received_at", "distributed on"),
    "reference": ("reference", "ref", "receipt", "receipt number"),
    "note": ("note", "notes", "remarks", "comment"),
}


def _with_english(field: str, chinese: tuple[str, ...]) -> tuple[str, ...]:
    return chinese + _ENGLISH[field]


# Fields of a line of goods, shared by donations, distributions and requests.
_GOODS = {
    "item": _with_english("item", ITEM),
    "spec": _with_english("spec", SPEC),
    "unit": _with_english("unit", UNIT),
    "quantity": _with_english("quantity", QUANTITY),
    "batch": _with_english("batch", BATCH),
    "note": _with_english("note", NOTE),
}

DONATION_COLUMNS = {
    **_GOODS,
    "donor": _with_english("donor", DONOR),
    "expiry": _with_english("expiry", EXPIRY),
    "date": _with_english("date", DATE),
    "reference": _with_english("reference", REFERENCE),
}

DISTRIBUTION_COLUMNS = {
    **_GOODS,
    "receiver": _with_english("receiver", RECEIVER),
    "date": _with_english("date", DATE),
}

REQUEST_COLUMNS = {
    **_GOODS,
    "item": (*_GOODS["item"], "需求物资", "所需物资", "物资需求", "需求品名"),
    "quantity": (*_GOODS["quantity"], "需求量", "需要数量"),
    "receiver": (
        *_with_english("receiver", RECEIVER),
        "申请单位",
        "社区",
        "社区名称",
        "需求单位",
        "单位名称",
    ),
    "priority": ("优先级", "紧急程度", "priority"),
    "needed_by": ("需要日期", "需求日期", "截止日期", "需要时间", "needed by", "needed_by"),
    "people_served": ("服务人数", "受益人数", "人数", "people served", "people_served"),
    "reason": ("事由", "用途", "原因", "申请理由", "需求说明", "reason"),
    # Where the unit is: a hospital's city or district, a community's street.
    "place": (
        "所在地",
        "所属区",
        "区县",
        "城市",
        "地区",
        "所在城市",
        "所属街道",
        "上级单位",
        "city",
        "district",
        "place",
        "parent",
    ),
}

ITEM_COLUMNS = {
    "code": ("编码", "物资编码", "代码", "code", "sku", "item code"),
    "name_zh": ("品名", "物资名称", "名称", "中文名", "中文名称", "name", "name_zh", "name (zh)"),
    "name_en": ("英文名", "英文名称", "english name", "name_en", "name (en)"),
    "category": ("类别", "分类", "物资类别", "类型", "category"),
    "base_unit": ("计量单位", "单位", "基本单位", "base unit", "base_unit", "unit"),
    "standard": ("执行标准", "标准", "产品标准", "standard"),
    "expiry_tracked": ("管理有效期", "有效期管理", "expiry tracked", "expiry_tracked"),
    "packs": ("包装", "包装规格", "规格", "packs", "common_packs", "common packs"),
    "aliases": ("别名", "又名", "其他名称", "aliases", "aliases_zh"),
    "needs_review": ("待核对", "needs review", "needs_review"),
}

SITE_COLUMNS = {
    "organisation": ("机构编码", "所属机构", "organisation", "organization"),
    "code": ("仓库编码", "站点编码", "编码", "code"),
    "name": ("仓库名称", "站点名称", "分发点", "名称", "name"),
    "address": ("地址", "详细地址", "address"),
    "is_active": ("启用", "是否启用", "active", "is_active"),
}

SERVED_UNIT_COLUMNS = {
    "code": ("单位编码", "编码", "code"),
    "name": ("单位名称", "名称", "受助单位", "社区名称", "街道社区", "name"),
    "name_en": ("英文名", "英文名称", "english name", "name_en"),
    "kind": ("类型", "单位类型", "类别", "kind", "type"),
    "parent": ("上级单位", "上级", "所属单位", "所属街道", "parent"),
    "population": ("人口", "常住人口", "服务人口", "population"),
    "households": ("户数", "总户数", "households"),
    "isolated_households": (
        "隔离户数",
        "居家隔离户数",
        "isolated households",
        "isolated_households",
    ),
    "frontline_medical": ("一线医疗", "医疗一线", "frontline medical", "frontline_medical"),
    "served_by": ("服务机构", "served by", "served_by", "organisations"),
    "contact": ("联系人", "联系方式", "联系电话", "contact"),
}

# A row naming one of these in its first cells is a totals line, not goods.
TOTALS_WORDS = frozenset({"合计", "总计", "小计", "共计", "total", "totals", "subtotal", "sum"})
