"""Sales and members from the creator's store or membership tool: the per-viewer data.

Gumroad sales, Lemon Squeezy orders, Stripe payments, Memberstack members and a generic
orders file (English or Chinese headers). Each buyer becomes a viewer under a salted hash of
their email or customer id; names, emails, addresses and card data are never selected, so
they cannot reach anything downstream. Refunded, failed and uncaptured payments are left out
and counted in a notice.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from kptui.engine.exports import values as v
from kptui.engine.exports.common import (
    Context,
    Part,
    Reader,
    drop_marker_rows,
    find,
    keys,
    notice,
    typed,
)
from kptui.engine.readers import ROW
from kptui.engine.types import Problem, Source

if TYPE_CHECKING:
    import polars as pl

SALES_COLUMNS = (
    "user_id",
    "order_id",
    "item_id",
    "item_name",
    "item_link",
    "event",
    "ts",
    "amount",
)


def buyer_ids(identity: pl.Series, salt: bytes) -> pl.Series:
    """A salted hash per buyer (`b-` + 16 hex digits): the same buyer gets the same id in
    every export read with the same salt, and the id cannot be turned back into an email."""
    import polars as pl

    norm = v.text(identity).str.to_lowercase()
    uniq = norm.drop_nulls().unique().to_list()
    table = {
        u: "b-" + hashlib.blake2b(u.encode(), key=salt[:64], digest_size=8).hexdigest()
        for u in uniq
    }
    return norm.replace_strict(table, default=None, return_dtype=pl.Utf8).alias("user_id")


def _utc(series: pl.Series) -> pl.Series:
    """Store times with a `+0000` / `UTC` suffix: they are UTC already."""
    s = v.text(series).str.replace(r"\s*(\+0000|UTC|Z|GMT)$", "")
    out, _ = v.dates(s)
    return out


def _truthy(series: pl.Series) -> pl.Series:
    t = v.text(series).str.to_lowercase()
    return t.is_in(["true", "yes", "y", "1", "是", "已退款", "refunded"]).fill_null(False)


def _finish(
    part: Part,
    frame: pl.DataFrame,
    got: dict[str, pl.Series],
    salt: bytes,
    identity: pl.Series,
    excluded: pl.Series | None,
    why: str = "refunded",
) -> Part:
    import polars as pl

    n = frame.height
    cols = {
        name: got.get(name, pl.Series(name, [None] * n, dtype=pl.Utf8)) for name in SALES_COLUMNS
    }
    cols["user_id"] = buyer_ids(identity, salt)
    cols["event"] = got.get("event", pl.Series("event", ["purchase"] * n, dtype=pl.Utf8))
    cols["ts"] = got.get("ts", pl.Series("ts", [None] * n, dtype=pl.Datetime("us")))
    cols["amount"] = got.get("amount", pl.Series("amount", [None] * n, dtype=pl.Float64))
    sales = pl.DataFrame({ROW: frame[ROW], **cols}).with_columns(
        pl.lit(part.source.file).alias("_file")
    )
    if excluded is not None and excluded.any():
        rows = frame.filter(excluded)[ROW].to_list()
        notice(part, None, f"{len(rows)} {why} sale(s) left out", rows)
        sales = sales.filter(~excluded)
    no_buyer = sales["user_id"].is_null()
    if no_buyer.any():
        rows = sales.filter(no_buyer)[ROW].to_list()
        part.problems.append(
            Problem(
                part.source.file,
                rows[0],
                None,
                "no buyer id or email; rows skipped",
                len(rows),
                rows[:5],
            )
        )
        sales = sales.filter(~no_buyer)
    part.sales = sales
    part.source.rows = sales.height
    return part


# ---------------------------------------------------------------------------------------


def detect_gumroad(names: list[str]) -> str | None:
    n = set(names)
    if "purchaseid" in n and "itemname" in n:
        return "sales"
    if "itemname" in n and ({"buyeremail", "purchaseemail"} & n):
        return "sales"
    return None


def read_gumroad(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    import polars as pl

    cols = keys(frame)
    part = Part(Source(label, "gumroad", "sales", 0))
    frame = drop_marker_rows(frame, frame.columns[1], part)
    item = find(cols, "Item Name")
    frame = drop_marker_rows(frame, item, part) if item != frame.columns[1] else frame
    date, time = (
        find(cols, "Purchase Date"),
        find(cols, "Purchase Time (UTC timezone)", prefix=True),
    )
    stamp = frame[date] if time is None else (
        v.text(frame[date]).fill_null("") + " " + v.text(frame[time]).fill_null("")
    ).str.strip_chars()  # fmt: skip
    got = typed(
        frame,
        part,
        [
            ("order_id", find(cols, "Purchase ID", "Order Number"), v.text),
            ("item_id", find(cols, "Product ID"), v.text),
            ("item_name", item, v.text),
            ("item_link", find(cols, "Product Permalink", "Permalink", "Item URL"), v.text),
            (
                "amount",
                find(cols, "Sale Price ($)", "Net Total ($)", "Subtotal ($)", prefix=True),
                v.number,
            ),
        ],
    )
    got["ts"] = _utc(pl.Series("ts", stamp))
    refunded = find(cols, "Refunded?", "Fully Refunded?")
    excluded = _truthy(frame[refunded]) if refunded else None
    identity = frame[find(cols, "Purchase Email", "Buyer Email", "Email")]
    return _finish(part, frame, got, ctx_salt(ctx), identity, excluded)


def detect_lemonsqueezy(names: list[str]) -> str | None:
    n = set(names)
    return (
        "sales"
        if {"identifier", "ordernumber"} <= n and ({"productname", "useremail"} & n)
        else None
    )


def read_lemonsqueezy(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    cols = keys(frame)
    part = Part(Source(label, "lemonsqueezy", "sales", 0))
    got = typed(
        frame,
        part,
        [
            ("order_id", find(cols, "order_number", "identifier"), v.text),
            ("item_id", find(cols, "product_id"), v.text),
            ("item_name", find(cols, "product_name"), v.text),
            ("amount", find(cols, "total"), lambda s: v.number(s) / 100.0),  # cents
            ("ts", find(cols, "date_utc", "created_at"), _utc),
        ],
    )
    status = find(cols, "status")
    refunded = find(cols, "refunded")
    excluded = None
    if status:
        excluded = (
            v.text(frame[status])
            .str.to_lowercase()
            .str.contains("refund|fail|void")
            .fill_null(False)
        )
    if refunded:
        flag = _truthy(frame[refunded])
        excluded = flag if excluded is None else (excluded | flag)
    identity = frame[find(cols, "user_email", "customer_id", "email")]
    return _finish(part, frame, got, ctx_salt(ctx), identity, excluded, "refunded or failed")


def detect_stripe(names: list[str]) -> str | None:
    n = set(names)
    if "createddate(utc)" in n and "amount" in n and ({"status", "captured", "customerid"} & n):
        return "sales"
    return None


def read_stripe(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    import polars as pl

    cols = keys(frame)
    part = Part(Source(label, "stripe", "sales", 0))
    amount = v.number(frame[find(cols, "Amount")])
    refunded_amt = find(cols, "Amount Refunded")
    got = typed(
        frame,
        part,
        [
            ("order_id", find(cols, "id", "Invoice Number"), v.text),
            ("item_name", find(cols, "Description", "Product"), v.text),
            ("amount", find(cols, "Amount"), v.number),
            ("ts", find(cols, "Created date (UTC)"), _utc),
        ],
    )
    if "item_name" not in got:
        got["item_name"] = pl.Series("item_name", ["Stripe payment"] * frame.height)
    excluded = (amount <= 0).fill_null(False)
    status = find(cols, "Status")
    if status:
        st = v.text(frame[status]).str.to_lowercase()
        excluded = excluded | st.str.contains("refund|fail|void|dispute").fill_null(False)
    captured = find(cols, "Captured")
    if captured:
        excluded = excluded | (v.text(frame[captured]).str.to_lowercase() == "false").fill_null(
            False
        )
    if refunded_amt:
        excluded = excluded | (v.number(frame[refunded_amt]) > 0).fill_null(False)
    # the email first: the same buyer in another store is then the same viewer
    ident_col = find(cols, "Customer Email", "Customer ID", "Customer")
    identity = frame[ident_col]
    return _finish(
        part, frame, got, ctx_salt(ctx), identity, excluded, "refunded, failed or uncaptured"
    )


def detect_memberstack(names: list[str]) -> str | None:
    n = set(names)
    if "memberid" in n and ({"paidplans(priceids)", "freeplans(planids)", "createdat"} & n):
        return "members"
    return None


def read_memberstack(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    """Each paid plan a member holds is a `purchase` of that plan (no amount in the export);
    a free plan is a `follow` of it."""
    import polars as pl

    cols = keys(frame)
    part = Part(Source(label, "memberstack", "members", 0))
    created = find(cols, "CreatedAt", "Created At")
    got = typed(frame, part, [("ts", created, lambda s: v.dates(s)[0])] if created else [])
    base = pl.DataFrame(
        {
            ROW: frame[ROW],
            "identity": pl.select(
                pl.coalesce(
                    pl.lit(v.text(frame[c]))
                    for c in (find(cols, "email"), find(cols, "Member ID"))
                    if c
                )
            ).to_series(),
            "ts": got.get("ts", pl.Series([None] * frame.height, dtype=pl.Datetime("us"))),
        }
    )
    pieces = []
    for header, event in (
        ("Paid Plans (price ids)", "purchase"),
        ("Free Plans (plan ids)", "follow"),
    ):
        col = find(cols, header, prefix=True)
        if col is None:
            continue
        plans = v.text(frame[col]).str.replace_all(r"[;|]", ",").str.split(",")
        rows = (
            base.with_columns(plans.alias("plan"))
            .explode("plan")
            .with_columns(pl.col("plan").str.strip_chars())
            .filter(pl.col("plan").is_not_null() & (pl.col("plan") != ""))
        )
        pieces.append(rows.with_columns(pl.lit(event).alias("event")))
    members = pl.concat(pieces) if pieces else base.head(0).with_columns(
        pl.lit(None, dtype=pl.Utf8).alias("plan"), pl.lit(None, dtype=pl.Utf8).alias("event")
    )  # fmt: skip
    no_plan = frame.height - members["identity"].n_unique()
    if no_plan > 0:
        notice(part, None, f"{no_plan} member(s) without a plan: no event to record")
    out = members.select(ROW, "identity", "ts", "event", "plan")
    paid = int((out["event"] == "purchase").sum())
    if paid:
        # EXPORTS.md: `Paid Plans (price ids)` names prices (`prc_...`), no column says how much
        notice(
            part,
            find(cols, "Paid Plans (price ids)", prefix=True),
            f"no amounts in a Memberstack export (paid plans are price ids only): {paid} "
            "paid-plan purchase(s) kept without an amount; the store's payments export "
            "(e.g. Stripe) gives the amounts",
        )
    got2 = {
        "item_id": out["plan"].alias("item_id"),
        "item_name": out["plan"].alias("item_name"),
        "event": out["event"],
        "ts": out["ts"],
        "amount": pl.Series("amount", [None] * out.height, dtype=pl.Float64),
    }
    return _finish(part, out, got2, ctx_salt(ctx), out["identity"], None)


# Generic orders: 订单号, 商品名称, 用户ID/买家, 支付时间, 实付金额 and English equivalents.
ORDER_ALIASES = {
    "order_id": ("订单号", "订单编号", "order_id", "order id", "order number", "order_no"),
    "buyer": ("用户ID", "买家", "买家ID", "用户", "会员ID", "buyer", "buyer_id", "customer",
              "customer_id", "user_id", "email", "buyer email", "customer email"),
    "item_name": ("商品名称", "商品", "课程名称", "课程", "item", "item_name", "item name",
                  "product", "product_name", "product name"),
    "item_id": ("商品ID", "课程ID", "product_id", "item_id", "sku"),
    "item_link": ("商品链接", "链接", "link", "url", "product_url"),
    "ts": ("支付时间", "付款时间", "下单时间", "创建时间", "paid_at", "paid at", "order date",
           "date", "created_at", "time"),
    "amount": ("实付金额", "支付金额", "实收金额", "订单金额", "金额", "amount", "total", "paid",
               "price"),
    "status": ("订单状态", "状态", "退款状态", "status", "refund status"),
}  # fmt: skip


def detect_orders(names: list[str]) -> str | None:
    from kptui.engine.schema import header_key

    n = set(names)
    if "event" in n or "videoid" in n:
        return None

    def has(field: str) -> bool:
        return any(header_key(a) in n for a in ORDER_ALIASES[field])

    return "sales" if has("buyer") and has("item_name") and has("amount") else None


def read_orders(frame: pl.DataFrame, label: str, ctx: Context) -> Part:
    cols = keys(frame)
    part = Part(Source(label, "orders", "sales", 0))
    frame = drop_marker_rows(frame, frame.columns[1], part)
    a = ORDER_ALIASES
    got = typed(
        frame,
        part,
        [
            ("order_id", find(cols, *a["order_id"]), v.text),
            ("item_id", find(cols, *a["item_id"]), v.text),
            ("item_name", find(cols, *a["item_name"]), v.text),
            ("item_link", find(cols, *a["item_link"]), v.text),
            ("amount", find(cols, *a["amount"]), v.number),
            ("ts", find(cols, *a["ts"]), _utc),
        ],
    )
    status = find(cols, *a["status"])
    excluded = (got["amount"] < 0).fill_null(False)
    if status:
        st = v.text(frame[status]).str.to_lowercase()
        excluded = excluded | st.str.contains("refund|退款|cancel|取消|关闭|fail").fill_null(False)
    identity = frame[find(cols, *a["buyer"])]
    return _finish(part, frame, got, ctx_salt(ctx), identity, excluded, "refunded or cancelled")


def ctx_salt(ctx: Context) -> bytes:
    return ctx.salt or b"kptui-default-salt"


READERS = [
    Reader("gumroad", detect_gumroad, read_gumroad),
    Reader("lemonsqueezy", detect_lemonsqueezy, read_lemonsqueezy),
    Reader("stripe", detect_stripe, read_stripe),
    Reader("memberstack", detect_memberstack, read_memberstack),
    Reader("orders", detect_orders, read_orders),
]
