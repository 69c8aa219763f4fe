"""What happens to findings between fingerprinting and evaluation, one module per concern.

``waivers`` (governed risk acceptance from the configuration), ``inline`` (reasoned comments
in the code), ``baseline`` (findings known when the baseline was made) and ``diff`` (only what a
change introduced). :mod:`mlsec_policy.scan` applies them in that order; ``comments`` parses
the suppression comments that ``inline`` and the suppression-comments analyzer share.
"""
