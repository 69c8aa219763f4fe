from SafeML import KS_Distance


def shifted(train, live):
    return KS_Distance(train, live) > 0.2
