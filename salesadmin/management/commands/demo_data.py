"""Load a realistic demo data set: users for every role, products, the 2026
price list, customers with their own prices, and opening stock.

Safe to run again: every row is keyed on its natural key (username, code, SKU,
batch number), so a second run finds everything in place and changes nothing.
Customers, credit and stock go through the real services, so the credit log
and the stock ledger look exactly as if people had entered them.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customers.enums import CreditTerms
from customers.models import Customer, CustomerPrice
from customers.services import (
    customer_create,
    customer_set_credit_hold,
    customer_set_credit_terms,
)
from inventory.enums import MoveKind, Unit
from inventory.models import Batch, Product, StockMove, Warehouse
from inventory.selectors import stock_overview
from inventory.services import production_receipt_record
from orders.models import PriceList, PriceListItem
from salesadmin.clock import add_months, company_today
from salesadmin.roles import Role, role_group_name

PASSWORD = "demo1234"
SITE_URL = "http://127.0.0.1:8000/"

# username, role, last name, first name
USERS = (
    ("clerk", Role.SALES_CLERK, "王", "丽"),
    ("clerk2", Role.SALES_CLERK, "陈", "静"),
    ("finance", Role.FINANCE, "张", "敏"),
    ("keeper", Role.WAREHOUSE_KEEPER, "李", "强"),
    ("guard", Role.GATE_GUARD, "赵", "刚"),
    ("manager", Role.MANAGER, "周", "建华"),
    ("gm", Role.MANAGER, "孙", "国强"),
    ("inspector", Role.QUALITY_INSPECTOR, "吴", "芳"),
)
ROLE_TITLES = {
    Role.SALES_CLERK: ("Sales clerk", "销售内勤"),
    Role.FINANCE: ("Finance", "财务"),
    Role.WAREHOUSE_KEEPER: ("Warehouse keeper", "仓库保管"),
    Role.GATE_GUARD: ("Gate guard", "门卫"),
    Role.MANAGER: ("Manager", "主管经理"),
    Role.QUALITY_INSPECTOR: ("Quality inspector", "质检员"),
}

# code, name; bulk liquids go to WH1, cylinders and piece goods to WH2.
WAREHOUSES = (
    ("WH1", "成品仓库"),
    ("WH2", "气瓶库"),
)
BULK_WAREHOUSE, CYLINDER_WAREHOUSE = "WH1", "WH2"

KG, CYL, PC = Unit.KG, Unit.CYLINDER, Unit.PIECE

# sku, name, specification, unit, standard (执行标准), unit weight in kg, safety stock.
# Bulk liquids are sold by weight and weighed at dispatch; for cylinders the
# unit weight is the gas in one cylinder.
PRODUCTS = (
    ("LO2-996", "液氧", "99.6%", KG, "GB/T 3863-2008", "1", "15000"),
    ("LO2-995", "液氧", "99.5%", KG, "GB/T 3863-2008", "1", "10000"),
    ("LO2-99999", "高纯液氧", "99.999%", KG, "GB/T 14599-2008", "1", "3000"),
    ("LN2-995", "液氮", "99.5%", KG, "GB/T 3864-2008", "1", "8000"),
    ("LN2-9999", "液氮", "99.99%", KG, "GB/T 8979-2008", "1", "15000"),
    ("LN2-99999", "高纯液氮", "99.999%", KG, "GB/T 8979-2008", "1", "8000"),
    ("LAR-9999", "液氩", "99.99%", KG, "GB/T 4842-2017", "1", "8000"),
    ("LAR-99999", "高纯液氩", "99.999%", KG, "GB/T 4842-2017", "1", "20000"),
    ("LCO2-999", "液态二氧化碳", "99.9%", KG, "GB/T 6052-2011", "1", "10000"),
    ("LCO2-FOOD", "食品级液态二氧化碳", "99.9%", KG, "GB 1886.228-2016", "1", "15000"),
    ("CYL-O2-40L", "氧气", "40L 99.5%", CYL, "GB/T 3863-2008", "6.000", "100"),
    ("CYL-O2-10L", "氧气", "10L 99.5%", CYL, "GB/T 3863-2008", "1.500", "30"),
    ("CYL-O2-40L-MED", "医用氧", "40L 99.5%", CYL, "GB 8982-2009", "6.000", "60"),
    ("CYL-O2-10L-MED", "医用氧", "10L 99.5%", CYL, "GB 8982-2009", "1.500", "30"),
    ("CYL-O2-8L-MED", "医用氧", "8L 99.5%", CYL, "GB 8982-2009", "1.200", "20"),
    ("CYL-N2-40L", "氮气", "40L 99.99%", CYL, "GB/T 8979-2008", "5.250", "50"),
    ("CYL-N2-40L-5N", "高纯氮", "40L 99.999%", CYL, "GB/T 8979-2008", "5.250", "20"),
    ("CYL-N2-10L", "氮气", "10L 99.99%", CYL, "GB/T 8979-2008", "1.310", "20"),
    ("CYL-AR-40L", "氩气", "40L 99.99%", CYL, "GB/T 4842-2017", "7.500", "80"),
    ("CYL-AR-40L-5N", "高纯氩", "40L 99.999%", CYL, "GB/T 4842-2017", "7.500", "30"),
    ("CYL-AR-10L", "氩气", "10L 99.99%", CYL, "GB/T 4842-2017", "1.880", "20"),
    ("CYL-CO2-40L", "二氧化碳", "40L 99.5%", CYL, "GB/T 6052-2011", "25.000", "60"),
    ("CYL-CO2-40L-FOOD", "食品级二氧化碳", "40L 99.9%", CYL, "GB 1886.228-2016", "25.000", "30"),
    ("CYL-CO2-8L", "二氧化碳", "8L 99.5%", CYL, "GB/T 6052-2011", "5.000", "20"),
    ("CYL-C2H2-40L", "溶解乙炔", "40L 98%", CYL, "GB 6819-2004", "6.000", "80"),
    ("CYL-C2H2-10L", "溶解乙炔", "10L 98%", CYL, "GB 6819-2004", "1.500", "10"),
    ("CYL-HE-40L", "氦气", "40L 99.999%", CYL, "GB/T 4844-2011", "0.750", "30"),
    ("CYL-HE-10L", "氦气", "10L 99.999%", CYL, "GB/T 4844-2011", "0.190", "10"),
    ("CYL-H2-40L", "氢气", "40L 99.999%", CYL, "GB/T 3634.2-2011", "0.380", "20"),
    ("CYL-H2-8L", "氢气", "8L 99.999%", CYL, "GB/T 3634.2-2011", "0.080", "10"),
    ("CYL-ARCO2-40L", "氩二氧化碳混合气", "40L Ar80/CO2 20", CYL, "GB/T 39255-2020", "7.600", "60"),
    ("CYL-ARO2-40L", "氩氧混合气", "40L Ar98/O2 2", CYL, "GB/T 39255-2020", "7.500", "20"),
    ("CYL-ARHE-40L", "氩氦混合气", "40L Ar70/He30", CYL, "GB/T 39255-2020", "5.500", "10"),
    ("CYL-N2H2-40L", "氮氢混合气", "40L N2 95/H2 5", CYL, "", "5.000", "10"),
    ("CYL-AIR-40L", "合成空气", "40L O2 21/N2 79", CYL, "", "5.430", "10"),
    ("REG-O2", "氧气减压阀", "YQY-08", PC, "GB/T 7899-2006", "1.200", "20"),
    ("REG-AR", "氩气减压流量计", "YQAR-731L", PC, "GB/T 7899-2006", "1.000", "20"),
    ("REG-C2H2", "乙炔减压阀", "YQE-213", PC, "GB/T 7899-2006", "1.100", "10"),
    ("CAP-CYL", "气瓶帽", "40L 气瓶用", PC, "", "0.800", "50"),
    ("RING-CYL", "气瓶防震圈", "40L 气瓶用", PC, "", "0.100", "100"),
)

PRICE_LIST_CODE = "PL2026"
PRICE_LIST_NAME = "2026年常用规格价格表"
PRICES_VALID_FROM = dt.date(2026, 1, 1)

# sku: (standard price, minimum price) in CNY per unit. LO2-99999,
# CYL-ARHE-40L, CYL-AIR-40L and RING-CYL are left off on purpose: they are
# quoted per customer, and an order for them waits for a manager.
PRICES = {
    "LO2-996": ("1.50", "1.40"),
    "LO2-995": ("1.35", "1.25"),
    "LN2-995": ("1.10", "1.02"),
    "LN2-9999": ("1.30", "1.20"),
    "LN2-99999": ("1.60", "1.50"),
    "LAR-9999": ("2.90", "2.70"),
    "LAR-99999": ("3.20", "2.98"),
    "LCO2-999": ("1.10", "1.02"),
    "LCO2-FOOD": ("1.60", "1.50"),
    "CYL-O2-40L": ("30.00", "28.00"),
    "CYL-O2-10L": ("18.00", "16.50"),
    "CYL-O2-40L-MED": ("45.00", "42.00"),
    "CYL-O2-10L-MED": ("25.00", "23.00"),
    "CYL-O2-8L-MED": ("20.00", "18.50"),
    "CYL-N2-40L": ("35.00", "32.50"),
    "CYL-N2-40L-5N": ("55.00", "51.00"),
    "CYL-N2-10L": ("20.00", "18.50"),
    "CYL-AR-40L": ("75.00", "70.00"),
    "CYL-AR-40L-5N": ("90.00", "84.00"),
    "CYL-AR-10L": ("35.00", "32.50"),
    "CYL-CO2-40L": ("60.00", "56.00"),
    "CYL-CO2-40L-FOOD": ("80.00", "75.00"),
    "CYL-CO2-8L": ("25.00", "23.00"),
    "CYL-C2H2-40L": ("120.00", "112.00"),
    "CYL-C2H2-10L": ("45.00", "42.00"),
    "CYL-HE-40L": ("850.00", "800.00"),
    "CYL-HE-10L": ("260.00", "245.00"),
    "CYL-H2-40L": ("80.00", "75.00"),
    "CYL-H2-8L": ("35.00", "32.50"),
    "CYL-ARCO2-40L": ("85.00", "79.00"),
    "CYL-ARO2-40L": ("88.00", "82.00"),
    "CYL-N2H2-40L": ("110.00", "102.00"),
    "REG-O2": ("120.00", "110.00"),
    "REG-AR": ("180.00", "165.00"),
    "REG-C2H2": ("130.00", "120.00"),
    "CAP-CYL": ("15.00", "14.00"),
}

# Opening stock, sku: ((batch number, quantity), ...). The batch number starts
# with its production date. LAR-99999, LCO2-FOOD, CYL-C2H2-40L and CYL-HE-40L
# are below safety stock on purpose, for the stock page and the dashboard.
OPENING_STOCK_NOTE = "期初库存"
STOCK = {
    "LO2-996": (("20261028-01", "18000"), ("20261112-01", "22500"), ("20261120-01", "9800")),
    "LO2-995": (("20261105-01", "15000"), ("20261119-01", "12000")),
    "LO2-99999": (("20261110-02", "8000"),),
    "LN2-995": (("20261030-01", "12000"), ("20261114-01", "10500")),
    "LN2-9999": (("20261101-01", "25000"), ("20261116-01", "18000"), ("20261121-01", "9000")),
    "LN2-99999": (("20261108-01", "14000"),),
    "LAR-9999": (("20261103-01", "16000"), ("20261117-01", "11000")),
    "LAR-99999": (("20261109-01", "9500"),),
    "LCO2-999": (("20261026-01", "30000"), ("20261113-01", "20000")),
    "LCO2-FOOD": (("20261111-01", "8200"),),
    "CYL-O2-40L": (("20261115-01", "180"), ("20261120-02", "240")),
    "CYL-O2-10L": (("20261112-02", "80"),),
    "CYL-O2-40L-MED": (("20261114-02", "150"), ("20261121-02", "120")),
    "CYL-O2-10L-MED": (("20261118-02", "90"),),
    "CYL-O2-8L-MED": (("20261118-03", "60"),),
    "CYL-N2-40L": (("20261110-03", "160"),),
    "CYL-N2-40L-5N": (("20261116-02", "45"),),
    "CYL-N2-10L": (("20261106-01", "50"),),
    "CYL-AR-40L": (("20261107-01", "120"), ("20261119-02", "200")),
    "CYL-AR-40L-5N": (("20261113-02", "55"),),
    "CYL-AR-10L": (("20261104-01", "40"),),
    "CYL-CO2-40L": (("20261102-01", "150"), ("20261117-02", "90")),
    "CYL-CO2-40L-FOOD": (("20261115-02", "70"),),
    "CYL-CO2-8L": (("20261108-02", "45"),),
    "CYL-C2H2-40L": (("20261105-02", "35"), ("20261118-04", "25")),
    "CYL-C2H2-10L": (("20261105-03", "30"),),
    "CYL-HE-40L": (("20261109-02", "20"),),
    "CYL-HE-10L": (("20261109-03", "24"),),
    "CYL-H2-40L": (("20261112-03", "48"),),
    "CYL-H2-8L": (("20261112-04", "20"),),
    "CYL-ARCO2-40L": (("20261103-02", "130"), ("20261116-03", "110"), ("20261122-01", "60")),
    "CYL-ARO2-40L": (("20261110-04", "40"),),
    "CYL-ARHE-40L": (("20261106-02", "20"),),
    "CYL-N2H2-40L": (("20261107-02", "24"),),
    "CYL-AIR-40L": (("20261113-03", "30"),),
    "REG-O2": (("20261020-01", "60"),),
    "REG-AR": (("20261020-02", "45"),),
    "REG-C2H2": (("20261020-03", "30"),),
    "CAP-CYL": (("20261021-01", "200"),),
    "RING-CYL": (("20261021-02", "300"),),
}

# Codes follow the order customers came to us: C0001–C0010 have traded for
# over three years, C0011–C0020 for one to three, C0021–C0030 for under one.
# ``tenure_days`` is counted back from today to give ``trading_since``.
# Contacts: (name, title, email, mobile); the first is the primary contact.
CUSTOMERS = (
    {
        "code": "C0001",
        "name": "安吉县金盛钢结构有限公司",
        "tenure_days": 3650,
        "salesperson": "clerk",
        "tax_id": "91330523MA23AGYGL9",
        "bank_name": "中国农业银行安吉县支行",
        "bank_account": "19230101040011417",
        "address": "浙江省湖州市安吉县递铺街道阳光工业园区金盛路8号",
        "contacts": (
            ("王建国", "总经理", "wangjianguo@jinsheng-steel.cn", "139-5720-3381"),
            ("李秀芳", "财务主管", "2583041176@qq.com", "135-8721-6604"),
        ),
    },
    {
        "code": "C0002",
        "name": "安吉县人民医院",
        "tenure_days": 4200,
        "salesperson": "clerk2",
        "tax_id": "123305230753645562",
        "bank_name": "中国工商银行安吉支行",
        "bank_account": "1205260009024055761",
        "address": "浙江省湖州市安吉县递铺街道灵芝西路1号",
        "contacts": (
            ("沈卫东", "设备科科长", "shenweidong@ajrmyy.cn", "138-5728-0917"),
            ("吴婷", "后勤采购", "wuting_hq@163.com", "158-6829-3350"),
        ),
    },
    {
        "code": "C0003",
        "name": "湖州南浔宏达机械制造厂",
        "tenure_days": 2900,
        "salesperson": "clerk",
        "tax_id": "91330503MA2WJHFU3H",
        "bank_name": "浙江南浔农村商业银行南浔支行",
        "bank_account": "201000689768469788",
        "address": "浙江省湖州市南浔区南浔镇强园路128号",
        "contacts": (("钱宏达", "厂长", "qianhongda@163.com", "139-0572-6618"),),
    },
    {
        "code": "C0004",
        "name": "杭州富阳华鑫不锈钢有限公司",
        "tenure_days": 2300,
        "salesperson": "clerk2",
        "tax_id": "91330111MA2NKDF4F8",
        "bank_name": "杭州银行富阳支行",
        "bank_account": "3301040160008766344",
        "address": "浙江省杭州市富阳区东洲街道东洲工业功能区五号路16号",
        "contacts": (
            ("孙华鑫", "总经理", "sunhuaxin@hxsteel.com.cn", "137-7719-2046"),
            ("郑丽萍", "采购经理", "zhengliping@hxsteel.com.cn", "150-6811-7732"),
        ),
    },
    {
        "code": "C0005",
        "name": "安吉县孝丰永固焊接加工厂",
        "tenure_days": 1900,
        "salesperson": "clerk",
        "tax_id": "91330523MA24LWKYED",
        "bank_name": "浙江安吉农村商业银行孝丰支行",
        "bank_account": "201000875347787680",
        "address": "浙江省湖州市安吉县孝丰镇横溪坞村工业区",
        "contacts": (("陈永固", "厂长", "13957236615@163.com", "139-5723-6615"),),
    },
    {
        "code": "C0006",
        "name": "湖州吴兴恒通钢构工程有限公司",
        "tenure_days": 1650,
        "salesperson": "clerk2",
        "tax_id": "91330502MA2EXY5YDB",
        "bank_name": "湖州银行吴兴支行",
        "bank_account": "7101000013627010798",
        "address": "浙江省湖州市吴兴区八里店镇南太湖大道1689号",
        "contacts": (
            ("杨恒通", "总经理", "yanghengtong@htgg.com.cn", "133-5720-8812"),
            ("朱敏", "采购员", "zhumin_ht@126.com", "181-5722-4407"),
        ),
    },
    {
        "code": "C0007",
        "name": "长兴金鼎铸造有限公司",
        "tenure_days": 1500,
        "salesperson": "clerk",
        "tax_id": "91330522MA273K1QHY",
        "bank_name": "中国建设银行长兴支行",
        "bank_account": "33050164721700000841",
        "address": "浙江省湖州市长兴县和平镇工业园区长城路66号",
        "contacts": (
            ("何金鼎", "总经理", "hejinding@jdzz.cn", "139-5727-5150"),
            ("许芳", "财务", "xufang_jd@163.com", "137-5728-3309"),
        ),
    },
    {
        "code": "C0008",
        "name": "湖州市中心医院",
        "tenure_days": 3100,
        "salesperson": "clerk2",
        "tax_id": "123305002294866286",
        "bank_name": "中国银行湖州分行",
        "bank_account": "3601610550087547",
        "address": "浙江省湖州市吴兴区仁皇山路266号",
        "contacts": (
            ("徐志明", "设备处处长", "xuzhiming@hzzxyy.cn", "138-0572-1163"),
            ("蒋红", "采购中心", "jianghong@hzzxyy.cn", "159-5726-0384"),
        ),
    },
    {
        "code": "C0009",
        "name": "安吉县天荒坪汽车修理厂",
        "tenure_days": 1300,
        "salesperson": "clerk",
        "tax_id": "91330523MA2YEJKR5Q",
        "bank_name": "浙江安吉农村商业银行天荒坪支行",
        "bank_account": "201000298369579318",
        "address": "浙江省湖州市安吉县天荒坪镇天荒坪北路36号",
        "contacts": (("潘国强", "负责人", "843517720@qq.com", "135-7520-9916"),),
    },
    {
        "code": "C0010",
        "name": "德清县新市锦华不锈钢制品厂",
        "tenure_days": 2600,
        "salesperson": "clerk2",
        "tax_id": "91330521MA2EUQL6FK",
        "bank_name": "浙江德清农村商业银行新市支行",
        "bank_account": "201001283822264686",
        "address": "浙江省湖州市德清县新市镇新兴工业园区锦华路9号",
        "contacts": (
            ("沈锦华", "厂长", "shenjinhua@jhbxg.com", "139-0572-8830"),
            ("顾晓燕", "财务", "guxiaoyan88@163.com", "152-5729-6170"),
        ),
    },
    {
        "code": "C0011",
        "name": "安吉县梅溪顺达金属结构厂",
        "tenure_days": 1000,
        "salesperson": "clerk",
        "tax_id": "91330523MA28EFQTDG",
        "bank_name": "中国农业银行安吉梅溪支行",
        "bank_account": "19230201040013301",
        "address": "浙江省湖州市安吉县梅溪镇晓墅工业区",
        "contacts": (("方顺达", "厂长", "fangshunda@163.com", "139-5726-4025"),),
    },
    {
        "code": "C0012",
        "name": "湖州南浔双林五金机械有限公司",
        "tenure_days": 900,
        "salesperson": "clerk2",
        "tax_id": "91330503MA2HRTUUM8",
        "bank_name": "浙江南浔农村商业银行双林支行",
        "bank_account": "201000205258983194",
        "address": "浙江省湖州市南浔区双林镇双林大道99号",
        "contacts": (
            ("费建明", "总经理", "feijianming@slwj.cn", "133-8672-5510"),
            ("凌燕", "采购", "lingyan_sl@126.com", "187-5721-0639"),
        ),
    },
    {
        "code": "C0013",
        "name": "杭州余杭鼎盛激光切割有限公司",
        "tenure_days": 820,
        "salesperson": "clerk",
        "tax_id": "91330110MA2MH43R8J",
        "bank_name": "中国工商银行杭州余杭支行",
        "bank_account": "1202035009105218549",
        "address": "浙江省杭州市余杭区仁和街道仁河大道58号",
        "contacts": (
            ("钟鼎盛", "总经理", "zhongdingsheng@dslaser.cn", "139-5811-7325"),
            ("周晓雯", "设备主管", "zhouxiaowen@dslaser.cn", "158-5803-4462"),
        ),
    },
    {
        "code": "C0014",
        "name": "安吉县中医医院",
        "tenure_days": 760,
        "salesperson": "clerk2",
        "tax_id": "12330523064600130T",
        "bank_name": "中国农业银行安吉县支行",
        "bank_account": "19230101040065939",
        "address": "浙江省湖州市安吉县递铺街道天目路66号",
        "contacts": (("陆伟", "设备科科长", "luwei@ajzyy.cn", "138-5723-7702"),),
    },
    {
        "code": "C0015",
        "name": "浙江安吉绿源食品有限公司",
        "tenure_days": 700,
        "salesperson": "clerk",
        "tax_id": "91330523MA2MBUGMXG",
        "bank_name": "浙江安吉农村商业银行开发区支行",
        "bank_account": "201000464506045414",
        "address": "浙江省湖州市安吉县经济开发区塘浦工业园区绿源路2号",
        "contacts": (
            ("吕建平", "总经理", "lvjianping@lvyuanfood.cn", "139-5722-1187"),
            ("施佳", "采购员", "shijia@lvyuanfood.cn", "177-5720-3916"),
        ),
    },
    {
        "code": "C0016",
        "name": "湖州清泉饮品有限公司",
        "tenure_days": 640,
        "salesperson": "clerk2",
        "tax_id": "91330502MA2H1P35K5",
        "bank_name": "湖州银行织里支行",
        "bank_account": "7101000011028594069",
        "address": "浙江省湖州市吴兴区织里镇栋梁路1188号",
        "contacts": (("姚清泉", "总经理", "yaoqingquan@qqdrinks.cn", "136-0572-9958"),),
    },
    {
        "code": "C0017",
        "name": "长兴县雉城永利电焊加工部",
        "tenure_days": 560,
        "salesperson": "clerk",
        "tax_id": "91330522MA2Q45H0MU",
        "bank_name": "浙江长兴农村商业银行雉城支行",
        "bank_account": "201000886423004876",
        "address": "浙江省湖州市长兴县雉城街道画溪工业园区",
        "contacts": (("丁永利", "负责人", "1196384512@qq.com", "150-5728-4413"),),
    },
    {
        "code": "C0018",
        "name": "杭州临安精工汽车配件有限公司",
        "tenure_days": 520,
        "salesperson": "clerk2",
        "tax_id": "91330112MA21LUYTGC",
        "bank_name": "中国建设银行杭州临安支行",
        "bank_account": "33050161745200003703",
        "address": "浙江省杭州市临安区青山湖街道大园路388号",
        "contacts": (
            ("章立新", "生产经理", "zhanglixin@lajg-auto.com", "139-5719-6052"),
            ("俞芳", "采购", "yufang@lajg-auto.com", "135-8826-0471"),
        ),
    },
    {
        "code": "C0019",
        "name": "安吉县昌硕管业有限公司",
        "tenure_days": 470,
        "salesperson": "clerk",
        "tax_id": "91330523MA2BBELEH3",
        "bank_name": "中国银行安吉支行",
        "bank_account": "3792627058602145",
        "address": "浙江省湖州市安吉县递铺街道昌硕工业园区",
        "contacts": (("吴昌明", "总经理", "wuchangming@csgy.cn", "139-5729-3364"),),
    },
    {
        "code": "C0020",
        "name": "湖州恒信检测技术有限公司",
        "tenure_days": 420,
        "salesperson": "clerk2",
        "tax_id": "91330502MA24NP3W03",
        "bank_name": "中国工商银行湖州吴兴支行",
        "bank_account": "1205020009839490668",
        "address": "浙江省湖州市吴兴区康山街道西塞山路819号",
        "contacts": (
            ("马骏", "实验室主任", "majun@hxtesting.cn", "138-5728-6620"),
            ("刘洁", "采购", "liujie@hxtesting.cn", "189-5720-1157"),
        ),
    },
    {
        "code": "C0021",
        "name": "安吉县递铺鑫达门窗加工厂",
        "tenure_days": 330,
        "salesperson": "clerk",
        "tax_id": "91330523MA291PJMR6",
        "bank_name": "浙江安吉农村商业银行递铺支行",
        "bank_account": "201000324484526309",
        "address": "浙江省湖州市安吉县递铺街道三友村工业区",
        "contacts": (("叶鑫达", "负责人", "yexinda@163.com", "159-0572-3384"),),
    },
    {
        "code": "C0022",
        "name": "安吉天子湖冷链物流有限公司",
        "tenure_days": 300,
        "salesperson": "clerk2",
        "tax_id": "91330523MA25AH450Q",
        "bank_name": "中国农业银行安吉天子湖支行",
        "bank_account": "19230301040021571",
        "address": "浙江省湖州市安吉县天子湖镇天子湖现代工业园",
        "contacts": (
            ("邹凯", "运营经理", "zoukai@tzhcold.cn", "186-5725-0938"),
            ("唐小红", "财务", "tangxiaohong@tzhcold.cn", "137-5726-2291"),
        ),
    },
    {
        "code": "C0023",
        "name": "湖州南浔旧馆恒丰电梯配件厂",
        "tenure_days": 260,
        "salesperson": "clerk",
        "tax_id": "91330503MA2C8K9L30",
        "bank_name": "浙江南浔农村商业银行旧馆支行",
        "bank_account": "201000577188357951",
        "address": "浙江省湖州市南浔区旧馆镇工业园区恒丰路5号",
        "contacts": (("汪恒丰", "厂长", "wanghengfeng@hfdt.cn", "139-5721-7746"),),
    },
    {
        "code": "C0024",
        "name": "杭州富阳银湖新材料科技有限公司",
        "tenure_days": 210,
        "salesperson": "clerk2",
        "tax_id": "91330111MA2ADGHAAJ",
        "bank_name": "中国农业银行杭州富阳支行",
        "bank_account": "19050101040076523",
        "address": "浙江省杭州市富阳区银湖街道富闲路9号",
        "contacts": (
            ("金晓东", "总经理", "jinxiaodong@yhxcl.com", "135-1573-6620"),
            ("林慧", "采购经理", "linhui@yhxcl.com", "158-5716-4083"),
        ),
    },
    {
        "code": "C0025",
        "name": "浙江安吉宏图钢结构工程有限公司",
        "tenure_days": 180,
        "salesperson": "clerk",
        "tax_id": "91330523MA2AT3A8T2",
        "bank_name": "中国建设银行安吉支行",
        "bank_account": "33050164742800004352",
        "address": "浙江省湖州市安吉县灵峰街道霞泉工业区",
        "contacts": (("蔡宏图", "总经理", "caihongtu@htgjg.cn", "139-5728-1906"),),
    },
    {
        "code": "C0026",
        "name": "德清县武康精诚模具厂",
        "tenure_days": 150,
        "salesperson": "clerk2",
        "tax_id": "91330521MA2MDA3MQY",
        "bank_name": "浙江德清农村商业银行武康支行",
        "bank_account": "201000788365506204",
        "address": "浙江省湖州市德清县武康街道志远北路518号",
        "contacts": (("高精诚", "厂长", "gaojingcheng@126.com", "133-3572-0815"),),
    },
    {
        "code": "C0027",
        "name": "安吉县第三人民医院",
        "tenure_days": 120,
        "salesperson": "clerk",
        "tax_id": "123305237750031459",
        "bank_name": "中国农业银行安吉孝丰支行",
        "bank_account": "19230401040037849",
        "address": "浙江省湖州市安吉县孝丰镇南北庄路21号",
        "contacts": (
            ("胡建伟", "设备科科长", "hujianwei@ajsy.cn", "138-5721-5567"),
            ("孔琳", "药剂科", "konglin@ajsy.cn", "150-5723-8842"),
        ),
    },
    {
        "code": "C0028",
        "name": "安吉县溪龙白茶食品有限公司",
        "tenure_days": 90,
        "salesperson": "clerk2",
        "tax_id": "91330523MA2M5N92JG",
        "bank_name": "浙江安吉农村商业银行溪龙支行",
        "bank_account": "201000689821046028",
        "address": "浙江省湖州市安吉县溪龙乡黄杜村",
        "contacts": (("宋立新", "总经理", "songlixin@xlbaicha.cn", "139-5720-6618"),),
    },
    {
        "code": "C0029",
        "name": "长兴县和平金达焊材经营部",
        "tenure_days": 60,
        "salesperson": "clerk",
        "tax_id": "91330522MA2KF8FWA9",
        "bank_name": "中国邮政储蓄银行长兴县支行",
        "bank_account": "93300501004072075",
        "address": "浙江省湖州市长兴县和平镇和平大道188号",
        "contacts": (("任金达", "负责人", "2271635048@qq.com", "181-5722-3360"),),
    },
    {
        "code": "C0030",
        "name": "湖州吴兴东林鸿运汽车修理厂",
        "tenure_days": 25,
        "salesperson": "clerk2",
        "tax_id": "91330502MA2U2PPLMX",
        "bank_name": "湖州银行东林支行",
        "bank_account": "7101000088479188957",
        "address": "浙江省湖州市吴兴区东林镇东苕溪路66号",
        "contacts": (("戴鸿运", "负责人", "daihongyun@163.com", "139-5727-0049"),),
    },
)

CREDIT_HOLD_CODES = ("C0007", "C0017")
CREDIT_HOLD_REASON = "应收账款逾期超过一个月"
# code, terms, limit, reason: a new customer the general manager trusts early.
CUSTOM_TERMS = ("C0024", CreditTerms.MONTHLY, Decimal("30000.00"), "总经理批准")

# Customers' own agreed prices (老客户价格表): customer code, sku, price.
CUSTOMER_PRICES = (
    ("C0001", "LO2-996", "1.45"),
    ("C0001", "CYL-ARCO2-40L", "82.00"),
    ("C0001", "CYL-C2H2-40L", "118.00"),
    ("C0002", "CYL-O2-40L-MED", "43.00"),
    ("C0002", "CYL-O2-10L-MED", "24.00"),
    ("C0003", "CYL-O2-40L", "28.50"),
    ("C0003", "CYL-AR-40L", "72.00"),
    ("C0004", "LAR-9999", "2.80"),
    ("C0004", "LN2-9999", "1.25"),
    ("C0004", "CYL-ARHE-40L", "360.00"),
    ("C0008", "CYL-O2-40L-MED", "44.00"),
    ("C0008", "CYL-O2-8L-MED", "19.50"),
    ("C0013", "LN2-99999", "1.55"),
    ("C0013", "LO2-996", "1.48"),
    ("C0015", "LCO2-FOOD", "1.55"),
    ("C0015", "CYL-CO2-40L-FOOD", "80.00"),
    ("C0020", "CYL-HE-40L", "830.00"),
    ("C0020", "CYL-AR-40L-5N", "90.00"),
    ("C0020", "CYL-N2-40L-5N", "52.00"),
)


def _batch_produced_on(batch_number: str) -> dt.date:
    return dt.datetime.strptime(batch_number[:8], "%Y%m%d").date()


class Command(BaseCommand):
    help = "Load demo users, products, prices, customers and opening stock (safe to re-run)."

    def handle(self, *args, **options):
        # One transaction: a failure leaves the database as it was.
        with transaction.atomic():
            users = self._users()
            warehouses = self._warehouses()
            products = self._products()
            self._price_list(products)
            self._customers(users)
            self._customer_prices(products)
            self._opening_stock(products, warehouses, keeper=users["keeper"])
            demo_receivables(self, users, products, warehouses)
            self._returns(users)
        self._print_logins()

    def _returns(self, users: dict) -> None:
        """Returns and allowances in each state (issue 10); the demo manager is
        a department head, ``gm`` the general manager."""
        from returns.demo import demo_approvers, demo_returns

        demo_approvers(manager=users["manager"], general_manager=users["gm"])
        made, allowances = demo_returns(
            clerk=users["clerk"],
            inspector=users["inspector"],
            manager=users["manager"],
            keeper=users["keeper"],
        )
        self._report("Returns", made, made)
        self._report("Allowances", allowances, allowances)

    def _report(self, label: str, total: int, created: int) -> None:
        self.stdout.write(f"{label}: {total} ({created} new)")

    def _users(self) -> dict:
        User = get_user_model()
        created_count = 0
        for username, role, last_name, first_name in USERS:
            try:
                group = Group.objects.get(name=role_group_name(role))
            except Group.DoesNotExist as exc:
                raise CommandError(f"Group {role} is missing; run `manage.py migrate`.") from exc
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    # Chinese order, family name first: get_full_name() shows 王丽.
                    "first_name": f"{last_name}{first_name}",
                    "last_name": "",
                    "email": f"{username}@example.com",
                    "is_staff": role == Role.MANAGER,
                },
            )
            # A password someone has changed since is theirs to keep.
            if created:
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
                created_count += 1
            user.groups.add(group)
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save(update_fields=["password"])
            created_count += 1
        self._report("Users", len(USERS) + 1, created_count)
        # Fresh instances: has_perm() caches permissions on the instance, and
        # the group memberships above came after it was loaded.
        usernames = [username for username, *_ in USERS]
        return {user.username: user for user in User.objects.filter(username__in=usernames)}

    def _warehouses(self) -> dict[str, Warehouse]:
        warehouses, created_count = {}, 0
        for code, name in WAREHOUSES:
            warehouse, created = Warehouse.objects.get_or_create(code=code, defaults={"name": name})
            warehouses[code] = warehouse
            created_count += created
        self._report("Warehouses", len(warehouses), created_count)
        return warehouses

    def _products(self) -> dict[str, Product]:
        products, created_count = {}, 0
        for sku, name, specification, unit, standard, unit_weight, safety_stock in PRODUCTS:
            product, created = Product.objects.update_or_create(
                sku=sku,
                defaults={
                    "name": name,
                    "specification": specification,
                    "unit": unit,
                    "standard": standard,
                    "unit_weight": Decimal(unit_weight),
                    "weighed": unit in (Unit.KG, Unit.TONNE),
                    "safety_stock": Decimal(safety_stock),
                },
            )
            products[sku] = product
            created_count += created
        self._report("Products", len(products), created_count)
        return products

    def _price_list(self, products: dict[str, Product]) -> None:
        price_list, _ = PriceList.objects.update_or_create(
            code=PRICE_LIST_CODE,
            defaults={"name": PRICE_LIST_NAME, "valid_from": PRICES_VALID_FROM},
        )
        created_count = 0
        for sku, (standard_price, minimum_price) in PRICES.items():
            _, created = PriceListItem.objects.update_or_create(
                price_list=price_list,
                product=products[sku],
                defaults={
                    "standard_price": Decimal(standard_price),
                    "minimum_price": Decimal(minimum_price),
                },
            )
            created_count += created
        self._report(f"Price list {PRICE_LIST_CODE} items", len(PRICES), created_count)

    def _customers(self, users: dict) -> None:
        today, manager = company_today(), users["manager"]
        existing = set(Customer.objects.values_list("code", flat=True))
        created_count = 0
        for row in CUSTOMERS:
            if row["code"] in existing:
                continue
            fields = dict(row)
            contacts = [
                {"name": name, "title": title, "email": email, "phone": phone, "is_primary": i == 0}
                for i, (name, title, email, phone) in enumerate(fields.pop("contacts"))
            ]
            fields["trading_since"] = today - dt.timedelta(days=fields.pop("tenure_days"))
            fields["salesperson"] = users[fields["salesperson"]]
            # Through the service, so tenure decides the default terms and the
            # credit log records them.
            customer_create(user=manager, contacts=contacts, **fields)
            created_count += 1
        self._report("Customers", len(CUSTOMERS), created_count)

        for code in CREDIT_HOLD_CODES:
            customer = Customer.objects.get(code=code)
            if not customer.on_credit_hold:
                customer_set_credit_hold(
                    customer=customer, user=manager, on_hold=True, reason=CREDIT_HOLD_REASON
                )
        code, terms, limit, reason = CUSTOM_TERMS
        customer = Customer.objects.get(code=code)
        if not customer.credit_terms_custom:
            customer_set_credit_terms(
                customer=customer, user=manager, terms=terms, limit=limit, reason=reason
            )

    def _customer_prices(self, products: dict[str, Product]) -> None:
        customers = Customer.objects.in_bulk(
            {code for code, _, _ in CUSTOMER_PRICES}, field_name="code"
        )
        created_count = 0
        for code, sku, price in CUSTOMER_PRICES:
            _, created = CustomerPrice.objects.update_or_create(
                customer=customers[code],
                product=products[sku],
                valid_from=PRICES_VALID_FROM,
                defaults={"price": Decimal(price)},
            )
            created_count += created
        self._report("Customer prices", len(CUSTOMER_PRICES), created_count)

    def _opening_stock(
        self, products: dict[str, Product], warehouses: dict[str, Warehouse], *, keeper
    ) -> None:
        created_count = total = 0
        for sku, batches in STOCK.items():
            product = products[sku]
            warehouse = warehouses[BULK_WAREHOUSE if product.weighed else CYLINDER_WAREHOUSE]
            for batch_number, quantity in batches:
                total += 1
                already_received = StockMove.objects.filter(
                    product=product,
                    batch__number=batch_number,
                    kind=MoveKind.PRODUCTION_RECEIPT,
                ).exists()
                if already_received:
                    continue
                production_receipt_record(
                    product=product,
                    warehouse=warehouse,
                    batch_number=batch_number,
                    produced_on=_batch_produced_on(batch_number),
                    quantity=Decimal(quantity),
                    user=keeper,
                    note=OPENING_STOCK_NOTE,
                )
                created_count += 1
        self._report("Opening stock receipts", total, created_count)
        below = stock_overview(below_safety=True).values_list("sku", flat=True)
        self.stdout.write(f"Below safety stock: {', '.join(below) or 'none'}")

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (open {SITE_URL}):"))
        for username, role, *_ in USERS:
            english, chinese = ROLE_TITLES[role]
            self.stdout.write(f"  {username:<8} / {PASSWORD} — {english} {chinese}")
        self.stdout.write(
            f"  {'admin':<8} / {PASSWORD} — Superuser 系统管理员 (Django admin: {SITE_URL}admin/)"
        )


# --- Receivables history (issue 4): past months' deliveries, invoices, payments --------

RECEIVABLES_MARKER = "DEMO-RCV-PREPAY"  # the bank reference that says it is loaded
RECEIVABLES_PRODUCT = "CYL-N2-40L"
RECEIVABLES_BATCH = "DEMO-N2-HISTORY"


@contextmanager
def _as_of(day: dt.date):
    """Run the services as if it were ``day`` at 10:00 (company time zone), so
    past deliveries, invoices and payments carry their own dates and times.
    Demo history only: the real services always use the real clock."""
    from django.utils import timezone as tz

    real_now = tz.now
    moment = tz.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    tz.now = lambda: moment
    try:
        yield
    finally:
        tz.now = real_now


def demo_receivables(command, users: dict, products: dict, warehouses: dict) -> None:
    """Three months of history: monthly customers invoiced for each month (one,
    C0014, more than a month overdue and so put on hold by the overdue check),
    a quarterly customer invoiced after the quarter and paid, a prepaid customer
    whose prepayment paid the invoice made at dispatch. Loaded once."""
    from finance.credit import credit_holds_review
    from finance.invoicing import invoice_period, invoices_issue_due
    from finance.models import Invoice, ReceivableEntry
    from finance.services import payment_record
    from orders.enums import OrderStatus
    from orders.services.delivery_notes import (
        Allocation,
        DispatchLine,
        IssueLine,
        delivery_note_dispatch,
        delivery_note_issue,
        delivery_note_stamp,
    )
    from orders.services.exit_pass import exit_pass_use
    from orders.services.sales_orders import (
        LineInput,
        sales_order_approve,
        sales_order_create,
        sales_order_submit,
    )

    if ReceivableEntry.objects.filter(reference=RECEIVABLES_MARKER).exists():
        command._report("Receivables history", Invoice.objects.count(), 0)
        return
    today = company_today()
    m0 = today.replace(day=1)
    m1, m2, m3 = (add_months(m0, -n) for n in (1, 2, 3))
    quarter_start, quarter_end = invoice_period(CreditTerms.QUARTERLY, today)
    customers = Customer.objects.in_bulk(["C0003", "C0012", "C0014", "C0025"], field_name="code")
    product = products[RECEIVABLES_PRODUCT]
    warehouse = warehouses[CYLINDER_WAREHOUSE]
    clerk, finance, keeper = users["clerk"], users["finance"], users["keeper"]
    manager, guard = users["manager"], users["guard"]
    plates = iter(["浙E3A721", "浙E5K208", "浙E1B663", "浙A9C310", "浙E7D415", "浙E2F588"] * 3)

    def deliver(code: str, quantity: str, *, until: str = "exited") -> None:
        """An order for ``code`` carried along the chain as far as ``until``."""
        order = sales_order_create(
            user=clerk,
            customer=customers[code],
            lines=[LineInput(product=product, quantity=Decimal(quantity))],
        )
        order = sales_order_submit(order=order, user=clerk)
        if order.status == OrderStatus.SUBMITTED:
            order = sales_order_approve(order=order, user=manager, comment="demo")
        plate = next(plates)
        note = delivery_note_issue(
            order=order,
            user=clerk,
            warehouse=warehouse,
            lines=[IssueLine(order_line=ln, quantity=ln.quantity) for ln in order.lines.all()],
            vehicle_plate=plate,
            driver="王师傅",
        )
        if until == "issued":
            return
        note = delivery_note_stamp(note=note, user=finance)
        if until == "stamped":
            return
        batch = Batch.objects.get(product=product, number=RECEIVABLES_BATCH)
        lines = [
            DispatchLine(note_line=ln, allocations=[Allocation(batch=batch, quantity=ln.quantity)])
            for ln in note.lines.all()
        ]
        note = delivery_note_dispatch(note=note, user=keeper, lines=lines)
        if until == "dispatched":
            return
        exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=plate)

    def receive(day: dt.date) -> None:
        production_receipt_record(
            product=product,
            warehouse=warehouse,
            batch_number=RECEIVABLES_BATCH,
            produced_on=day,
            quantity=Decimal("300"),
            user=keeper,
            note=OPENING_STOCK_NOTE,
        )

    def pay(code: str, amount: str, reference: str) -> None:
        payment_record(customer=customers[code], amount=amount, user=finance, reference=reference)

    def pay_open(code: str, share: str, reference: str) -> None:
        open_invoice = (
            Invoice.objects.filter(customer=customers[code], status="open")
            .order_by("due_date")
            .first()
        )
        if open_invoice is not None:
            amount = (open_invoice.open_amount * Decimal(share)).quantize(Decimal("0.01"))
            pay(code, str(amount), reference)

    first_day = min(m3, quarter_start)
    events = [
        (first_day - dt.timedelta(days=10), lambda: receive(first_day - dt.timedelta(days=10))),
        (m3 + dt.timedelta(days=9), lambda: deliver("C0014", "24")),  # never paid
        (quarter_start + dt.timedelta(days=14), lambda: deliver("C0003", "40")),
        (m2 + dt.timedelta(days=4), lambda: deliver("C0012", "30")),
        (m2 + dt.timedelta(days=18), lambda: deliver("C0012", "16")),
        (m1 + dt.timedelta(days=1), lambda: pay("C0025", "3000.00", RECEIVABLES_MARKER)),
        (m1 + dt.timedelta(days=4), lambda: deliver("C0025", "20")),  # paid from prepayment
        (m1 + dt.timedelta(days=6), lambda: deliver("C0012", "12")),
        (m1 + dt.timedelta(days=13), lambda: deliver("C0014", "10")),
        (m1 + dt.timedelta(days=19), lambda: pay_open("C0012", "0.6", "DEMO-RCV-0012")),
        (m1 + dt.timedelta(days=21), lambda: pay_open("C0003", "1", "DEMO-RCV-0003")),
    ]
    # The last two weeks' trucks (the dashboard's trend and rankings), and
    # today's notes waiting at each step of the chain (each role's queue).
    events += [
        (today - dt.timedelta(days=12), lambda: deliver("C0003", "8")),
        (today - dt.timedelta(days=9), lambda: deliver("C0012", "6")),
        (today - dt.timedelta(days=6), lambda: deliver("C0003", "10")),
        (today - dt.timedelta(days=3), lambda: deliver("C0012", "5")),
        (today - dt.timedelta(days=1), lambda: deliver("C0003", "6")),
        (today, lambda: deliver("C0003", "4")),
        (today, lambda: deliver("C0003", "3", until="dispatched")),
        (today, lambda: deliver("C0012", "2", until="stamped")),
        (today, lambda: deliver("C0003", "5", until="issued")),
    ]
    # The invoicing job on the first of each month (and after the quarter).
    for day in sorted({m2, m1, m0, quarter_end + dt.timedelta(days=1)}):
        events.append((day, lambda day=day: invoices_issue_due(today=day)))
    for day, action in sorted(events, key=lambda e: e[0]):
        if day > today:
            continue
        with _as_of(day):
            action()
    held, _lifted = credit_holds_review(today=today)
    from reports.rollup import sales_rollup

    sales_rollup(today=today)  # what the nightly job would have written
    command._report(
        "Receivables history: invoices", Invoice.objects.count(), Invoice.objects.count()
    )
    command.stdout.write(f"Put on hold by the overdue check: {held}")
