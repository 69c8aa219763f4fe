from privacy_meter.audit import Audit

AUDIT = Audit
