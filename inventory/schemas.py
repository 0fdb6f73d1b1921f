"""API shapes for the catalogue, sites, donations and stock. Items and sites travel by their
`code`; quantities are integers in the item's base unit."""

from datetime import date, datetime

from ninja import Field, Schema

from core.api import Id, Quantity


class PackOut(Schema):
    name: str
    quantity: int


class ItemOut(Schema):
    code: str
    name_zh: str
    name_en: str
    category: str
    base_unit: str
    standard: str
    expiry_tracked: bool
    needs_review: bool
    packs: list[PackOut]
    aliases: list[str]

    @staticmethod
    def resolve_packs(obj) -> list[dict]:
        return [{"name": p.name, "quantity": p.quantity} for p in obj.packs.all()]

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return [a.alias for a in obj.aliases.all()]


class OrganisationOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    city: str


class SiteOut(Schema):
    id: int
    code: str
    name: str
    organisation: str = Field(..., alias="organisation.code")
    address: str
    is_active: bool


class DonationLineIn(Schema):
    item: str = Field(..., min_length=1, max_length=40, description="item code")
    quantity: Quantity = Field(..., description="base units, or packs when `pack` is given")
    pack: str = Field("", max_length=20, description="pack name, e.g. 箱")
    pack_size: Quantity | None = Field(
        None, description="base units per pack, if not the catalogue's"
    )
    batch: str = Field("", max_length=60)
    expiry: date | None = None


class DonationIn(Schema):
    site: str = Field(..., min_length=1, max_length=40, description="site code")
    donor: str | Id = Field(..., description="donor name (created if new) or donor id")
    received_at: date
    reference: str = Field("", max_length=100)
    note: str = Field("", max_length=2000)
    lines: list[DonationLineIn] = Field(..., min_length=1, max_length=1000)


class DonationLineOut(Schema):
    id: int
    item: str = Field(..., alias="item.code")
    quantity: int
    pack_name: str
    pack_count: int | None
    batch: str
    expiry: date | None
    lot: int = Field(..., alias="lot.pk")


class DonationOut(Schema):
    id: int
    site: str = Field(..., alias="site.code")
    organisation: str = Field(..., alias="organisation.code")
    donor: str = Field(..., alias="donor.name")
    donor_id: int
    received_at: date
    reference: str
    note: str
    created_at: datetime
    lines: list[DonationLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class BalanceOut(Schema):
    site: str = Field(..., alias="site.code")
    item: str = Field(..., alias="item.code")
    lot: int = Field(..., alias="lot_id")
    batch: str = Field(..., alias="lot.batch")
    expiry: date | None = Field(None, alias="lot.expiry")
    on_hand: int
    reserved: int
    available: int


class MovementOut(Schema):
    id: int
    site: str = Field(..., alias="site.code")
    item: str = Field(..., alias="item.code")
    lot: int = Field(..., alias="lot_id")
    quantity: int
    kind: str
    reason: str
    actor: str = Field(..., alias="actor.username")
    occurred_at: datetime


class TransferLineIn(Schema):
    lot: Id
    quantity: Quantity


class TransferIn(Schema):
    from_site: str = Field(..., min_length=1, max_length=40)
    to_site: str = Field(..., min_length=1, max_length=40)
    note: str = Field("", max_length=2000)
    lines: list[TransferLineIn] = Field(..., min_length=1, max_length=500)


class TransferOut(Schema):
    id: int
    from_site: str = Field(..., alias="from_site.code")
    to_site: str = Field(..., alias="to_site.code")
    note: str
    created_at: datetime
    lines: list[TransferLineIn]

    @staticmethod
    def resolve_lines(obj) -> list[dict]:
        return [{"lot": line.lot_id, "quantity": line.quantity} for line in obj.lines.all()]
