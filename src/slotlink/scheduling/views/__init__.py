"""Pages of scheduling: the hosts' pages under /360/ and the invitees' public pages."""
