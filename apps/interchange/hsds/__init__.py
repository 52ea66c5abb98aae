"""Open Referral HSDS 3.0: stable ids, the document mapping and its preloading."""
