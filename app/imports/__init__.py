"""Bringing in cards sold on paper or in Excel, and issuing in bulk, from a spreadsheet: checked row by row, run as
a resumable job."""
