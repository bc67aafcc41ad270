"""Receipts: the printable documents of a referral (the receipt, the person's copy, the consent
copy), rendered to PDF with a locked-down WeasyPrint, and stored so that a reprint is the same
document, byte for byte."""
