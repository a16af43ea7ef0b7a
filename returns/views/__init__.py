"""Pages: returns and allowances for each role's part. Every write goes
through returns/services; a refused action shows the page again with the
rule's words and its status (400 rule, 409 state); a wrong role gets 403."""
