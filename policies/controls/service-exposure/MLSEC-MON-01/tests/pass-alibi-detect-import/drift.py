from alibi_detect.cd import KSDrift

DETECTOR = KSDrift
