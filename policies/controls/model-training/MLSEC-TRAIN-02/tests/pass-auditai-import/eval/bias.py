from auditai.misc import bias_test_check


def check(labels, results):
    return bias_test_check(labels, results, category='gender')
