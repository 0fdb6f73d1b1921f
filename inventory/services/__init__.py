"""Every write to inventory goes through these functions (one transaction each)."""

from inventory.services.bulk_donations import (
    DonationInput,
    ReceivedDonation,
    donation_receive_bulk,
    rollups_last,
)
from inventory.services.counts import (
    stock_count_cancel,
    stock_count_post,
    stock_count_record,
    stock_count_start,
)
from inventory.services.donation_corrections import donation_line_correct, donation_line_void
from inventory.services.donations import DonationLineInput, donation_line_add, donation_receive
from inventory.services.kits import kit_assemble, kit_disassemble
from inventory.services.stock import (
    stock_adjust,
    stock_dispatch,
    stock_release,
    stock_reserve,
    stock_return,
)
from inventory.services.transfers import TransferLineInput, stock_transfer

__all__ = [
    "DonationInput",
    "DonationLineInput",
    "ReceivedDonation",
    "TransferLineInput",
    "donation_line_add",
    "donation_line_correct",
    "donation_line_void",
    "donation_receive",
    "donation_receive_bulk",
    "kit_assemble",
    "kit_disassemble",
    "rollups_last",
    "stock_adjust",
    "stock_count_cancel",
    "stock_count_post",
    "stock_count_record",
    "stock_count_start",
    "stock_dispatch",
    "stock_release",
    "stock_reserve",
    "stock_return",
    "stock_transfer",
]
