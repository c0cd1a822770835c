"""The printed (PDF) representation of an authorized voucher: what it shows (sheet) and how it looks (render)."""
