"""Exports written from EXPORTS.md's documented headers and quirks (no real per-video files
are licensed for the repository). Each writer puts one platform's files into a folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

EMAILS = ("ana.buyer@example.com", "bo@example.org", "chen.wei@example.net", "dee@example.com")

YT_TABLE = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,"
    "Impressions,Impressions click-through rate (%),Average view duration,"
    "Average percentage viewed (%),Likes,Shares,Comments added,Your estimated revenue (USD)\n"
    "Total,,,,18400,512.3456,31.0,120000,5.2,0:01:40,41.5,900,120,60,48.20\n"
    'dQw4w9WgXcQ,Python in 10 minutes #python,"Sep 22, 2026",610,12000,400.1234,40,80000,'
    "6.1,0:02:00,45.2,700,90,40,35.10\n"
    ' -jBLlV16Dko,Budget your first salary,"May 27, 2024",70,6000,110.5000,-9,39000,3.4,'
    "0:01:10,38.0,200,30,20,13.10\n"
    'abc123XYZ00,One tip a day #shorts,"Jan 3, 2026",31.0,400,1.7222,0.0,1000,1.0,0:00:15,'
    "50.0,0,0,0,0\n"
    "Showing top 500 results,,,,,,,,,,,,,,\n"
)
YT_CHART = "Date,Content,Video title,Video publish time,Duration,Engaged views\n" + "".join(
    f'2026-09-{d:02},dQw4w9WgXcQ,Python in 10 minutes #python,"Sep 22, 2026",610,{d * 10}\n'
    for d in range(22, 31)
)
YT_TOTALS = "Date,Views\n" + "".join(f"2026-09-{d:02},{d * 100}\n" for d in range(22, 31))
YT_AGE = (
    "Viewer age,Views (%),Average view duration,Average percentage viewed (%),"
    "Watch time (hours) (%)\n"
    "13–17 years,4.1,0:01:02,30.5,2.0\n18–24 years,40.2,0:01:50,44.0,41.0\n"
    "25–34 years,38.0,0:01:55,45.1,40.0\n"
)
YT_CITIES = (
    "Cities,City name,Views,Watch time (hours),Average view duration\n"
    "Total,,18400,512.3456,0:01:40\n"
    "0x89c259af336b3341:0xa4b6be3bbd9ba8f1,New York,900,30.1,0:02:00\n"
    "0x47e66e1f06e2b70f:0x40b82c3688c9460,Paris,500,12.5,0:01:30\n"
)
TAKEOUT = (
    "Video ID,Approx duration (ms),Video category,Video description (original),Channel ID,"
    "Video title (original),Privacy,Video state,Video create timestamp,Video publish timestamp\n"
    'dQw4w9WgXcQ,610000,Education,"Learn Python fast.\nLinks below #coding",UC123,'
    "Python in 10 minutes: the full beginner course #python,Public,Processed,"
    "2026-09-21T08:00:00+00:00,2026-09-22T10:00:00+00:00\n"
    "-jBLlV16Dko,70000,Education,How to plan money,UC123,Budget your first salary (2024),"
    "Public,Processed,2024-05-26T08:00:00+00:00,2024-05-27T09:30:00+00:00\n"
    "zzzOnlyTakeout,5000,People,,UC123,A video with no analytics,Unlisted,Processed,"
    "2023-01-01T00:00:00+00:00,2023-01-02T00:00:00+00:00\n"
)


def write_youtube(folder: Path) -> dict[str, Path]:
    """A Studio zip (per-video Table data, Chart data, Totals), two breakdowns, Takeout."""
    folder.mkdir(parents=True, exist_ok=True)
    zpath = folder / "Content 2026-09-22_2026-09-30 My channel.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("Table data.csv", YT_TABLE)
        z.writestr("Chart data.csv", YT_CHART)
        z.writestr("Totals.csv", YT_TOTALS)
    (folder / "Table data-Age.csv").write_text(YT_AGE, encoding="utf-8")
    (folder / "Table data (1).csv").write_text(YT_CITIES, encoding="utf-8")
    takeout = folder / "video metadata"
    takeout.mkdir(exist_ok=True)
    (folder / "videos.csv").write_text(TAKEOUT, encoding="utf-8")
    return {"zip": zpath, "takeout": folder / "videos.csv"}


def _tt(rows: list[list[str]]) -> bytes:
    """TikTok's CSV: UTF-8 with BOM, every field quoted, no final newline."""
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows)
    return ("\ufeff" + text).encode("utf-8")


TT_CONTENT = [
    ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments",
     "Total shares ", "Total views"],
    ["2026-01-05", "Morning study routine #productivity #study",
     "https://www.tiktok.com/@me/video/7312345678901234567", "Dec 30", "1.2K", "45", "18",
     "18,400"],
    ["2026-01-05", "3 Python tricks #python #coding",
     "https://www.tiktok.com/@me/video/7312345678901234999", "January 2", "980", "undefined",
     "--", "3.4M"],
    ["2026-01-05", "Budget in 60 seconds #money", "https://www.tiktok.com/@me/video/7300000000000000001",
     "Nov 14", "NAN", "2", "0", "12,345"],
]  # fmt: skip
TT_OVERVIEW = [
    ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
    ["December 30", "1,200", "40", "100", "5", "2"],
    ["December 31", "1.5K", "55", "120", "6", "3"],
    ["January 1", "2K", "61", "150", "--", "4"],
    ["January 2", "900", "30", "80", "4", "1"],
]
TT_HISTORY = [
    ["Date", "Followers", " Difference in followers from previous day"],
    ["December 30", "10,100", "12"],
    ["December 31", "10,090", "-10"],
    ["January 1", "10,150", "60"],
]
TT_ACTIVITY = [["Date", "Hour", "Active followers"]] + [
    [day, str(h), str(100 + h)] for day in ("December 31", "January 1") for h in range(1, 25)
]
TT_GENDER = [["Gender", "Distribution"], ["Female", "62%"], ["Male", "35%"], ["Other", "3%"]]
TT_TERRITORIES = [["Top territories", "Distribution"], ["US", "0.59"], ["MX", "0.21"]]
TT_VIEWERS = [
    ["Date", "Total Viewers", "New Viewers", "Returning Viewers"],
    ["8 de marzo", "1,000", "600", "400"],
    ["9 de marzo", "1.1K", "700", "400"],
]
# the epoch in the zip name is 2026-01-05 (the export date)
TT_OVERVIEW_ZIP = "Overview_2025-12-07_1767571200_me.zip"


def write_tiktok(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / TT_OVERVIEW_ZIP, "w") as z:
        z.writestr("Overview.csv", _tt(TT_OVERVIEW))
    with zipfile.ZipFile(folder / "Followers_me.zip", "w") as z:
        z.writestr("FollowerHistory.csv", _tt(TT_HISTORY))
        z.writestr("FollowerActivity.csv", _tt(TT_ACTIVITY))
        z.writestr("FollowerGender.csv", _tt(TT_GENDER))
        z.writestr("FollowerTopTerritories.csv", _tt(TT_TERRITORIES))
    with zipfile.ZipFile(folder / "Content_me.zip", "w") as z:
        z.writestr("Content.csv", _tt(TT_CONTENT))
    (folder / "Viewers.csv").write_bytes(_tt(TT_VIEWERS))
    return {"folder": folder}


DOUYIN_HEADER = [
    "作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率", "封面点击率",
    "2s跳出率", "平均播放时长", "点赞量", "分享量", "评论量", "收藏量", "主页访问量", "粉丝增量",
]  # fmt: skip
DOUYIN_ROWS = [
    ["零基础学Python\n第一课 #编程 #Python", "2026-03-01 12:00:00", "视频", "审核通过", "1.2万",
     "0.074074", "0.3", "0.05", "0.4", "18秒", "860", "40", "25", "120", "300", "45"],
    ["理财入门 #理财", "2026-03-05 20:30:00", "视频", "审核通过", "3456", "0.125", "-",
     "0.061", "-", "9.53", "120", "8", "-", "30", "41", "7"],
    ["图文：学习计划 #学习", "2026-03-08 08:00:00", "图文", "审核通过", "980", "-", "-", "-",
     "-", "-", "12", "0", "1", "5", "-", "0"],
]  # fmt: skip


def write_douyin(folder: Path) -> Path:
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "作品列表导出.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for j, h in enumerate(DOUYIN_HEADER):
        sheet.write_string(0, j, h)
    for i, row in enumerate(DOUYIN_ROWS, start=1):
        for j, cell in enumerate(row):
            sheet.write_string(i, j, cell)  # numbers stored as text, as Douyin writes them
    book.close()
    return path


WECHAT = (
    "视频描述,视频ID,发布时间,完播率,平均播放时长,播放量,推荐,喜欢,评论量,分享量,关注量,"
    "转发聊天和朋友圈,设为铃声,设为状态,设为朋友圈封面\r\n"
    '"三分钟讲清复利\r\n#理财 #复利",export/UzFfAgtgekIEAQAAAAAAb,2024/05/01,11.14%,32.50秒,'
    '"1,203",300,88,12,30,5,9,0,1,0\r\n'
    "Excel快捷键 #效率,export/UzFfAgtgekIEAQAAAAAAc,2024/05/03,8.5%,18秒,860,210,40,3,10,2,"
    "4,0,0,0\r\n"
)


def write_wechat(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "视频号动态数据明细.csv"
    path.write_bytes(b"\xef\xbb\xbf" + WECHAT.encode("utf-8"))
    return path


XHS_RESAVED = (  # Mac Excel re-save: banner gone, rates as long floats
    "笔记标题,首次发布时间,体裁,曝光,观看量,封面点击率,点赞,评论,收藏,涨粉,分享,人均观看时长,弹幕\n"
    "早起打卡 #自律,2026年03月24日17时33分05秒,图文,12235.0,3000.0,7.4999999999999997E-2,"
    "120.0,8.0,30.0,4.0,2.0,0,0\n"
    "AI 入门 #AI,2026年03月26日09时00分00秒,视频,5000.0,1200.0,0.221,60.0,3.0,10.0,1.0,0.0,"
    "25,3\n"
)


def write_xiaohongshu_resaved(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "笔记列表明细表.csv"
    path.write_text(XHS_RESAVED, encoding="utf-8")
    return path


GUMROAD = (
    "Purchase ID,Item Name,Buyer Name,Purchase Email,Buyer Email,Do not contact?,Purchase Date,"
    "Purchase Time (UTC timezone),Subtotal ($),Taxes ($),Sale Price ($),Fees ($),"
    "Net Total ($),Street Address,City,Country,Refunded?,Card Type,Card Visual,Product ID\n"
    f"p1,Python in 10 minutes,Ana Buyer,{EMAILS[0]},{EMAILS[0]},0,2026-09-25,"
    "10:00:00 +0000,29.0,0.0,29.0,3.2,25.8,1 Main St,Lisbon,PT,false,visa,**** 4242,g1\n"
    f"p2,Budget Spreadsheet Pack,Bo,{EMAILS[1]},{EMAILS[1]},0,2026-09-26,11:30:00 +0000,"
    "15.0,0.0,15.0,1.8,13.2,2 Side Rd,Austin,US,false,mastercard,**** 5555,g2\n"
    f"p3,Python in 10 minutes,Chen Wei,{EMAILS[2]},{EMAILS[2]},0,2026-09-27,09:00:00 +0000,"
    "29.0,0.0,29.0,3.2,25.8,3 East Ave,Shanghai,CN,true,visa,**** 1111,g1\n"
    "Totals,,,,,,,,73.0,0.0,73.0,8.2,64.8,,,,,,,\n"
)
LEMON = (
    '"identifier","order_number","product_name","variant_name","user_name","user_email",'
    '"currency","status","refunded","total","date_utc"\n'
    f'"a1","1001","Python in 10 minutes","Default","Dee","{EMAILS[3]}","USD","paid","false",'
    '"2900","2026-09-28 08:00:00"\n'
    f'"a2","1002","Budget Spreadsheet Pack","Default","Ana Buyer","{EMAILS[0]}","USD",'
    '"refunded","true","1500","2026-09-28 09:00:00"\n'
)
STRIPE = (
    "id;Created date (UTC);Amount;Amount Refunded;Currency;Captured;Description;Status;"
    "Customer ID;Customer Email;Card Last4;Invoice Number\n"
    f"ch_1;2026-09-29 10:00;49.00;0.00;usd;TRUE;Coaching call;Paid;cus_A;{EMAILS[1]};4242;INV-1\n"
    f"ch_2;2026-09-29 11:00;49.00;49.00;usd;true;Coaching call;Refunded;cus_B;{EMAILS[2]};1111;\n"
    f"ch_3;2026-09-30 12:00;49.00;0.00;usd;FALSE;Coaching call;Failed;cus_C;{EMAILS[3]};0000;\n"
)
MEMBERSTACK = (
    "Member ID,email,CreatedAt,Verified,Stripe Customer ID,Free Plans (plan ids),"
    "Paid Plans (price ids),Last Login\n"
    f"mem_1,{EMAILS[0]},9/20/2026,true,cus_A,pln_free,prc_pro-monthly,9/30/2026\n"
    f"mem_2,{EMAILS[1]},9/21/2026,false,,pln_free,,9/22/2026\n"
    f"mem_3,{EMAILS[2]},9/13/2026,true,cus_C,,prc_pro-monthly,9/29/2026\n"
)
ORDERS_ZH = (
    "订单号,商品名称,用户ID,买家昵称,手机号,支付时间,实付金额,订单状态\n"
    "D001,零基础学Python 第一课,u-1001,小王,13800000000,2026-03-02 10:00:00,¥99.00,已支付\n"
    "D002,理财训练营,u-1002,小李,13900000000,2026-03-06 21:00:00,199,已支付\n"
    "D003,理财训练营,u-1003,小赵,13700000000,2026-03-07 09:00:00,199,已退款\n"
)


def write_stores(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, text in (
        ("sales.csv", GUMROAD),
        ("orders-lemon.csv", LEMON),
        ("unified_payments.csv", STRIPE),
        ("members.csv", MEMBERSTACK),
        ("订单.csv", ORDERS_ZH),
    ):
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = folder / name
    return out
