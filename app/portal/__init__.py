"""The member's own page: a holder proves who they are (card number, the end of their ID number and a one-time code
sent to the phone on file) and sees their cards, agreements and refund dates, and asks for a refund."""
