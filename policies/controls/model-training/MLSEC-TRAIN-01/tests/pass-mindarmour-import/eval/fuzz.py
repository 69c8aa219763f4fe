from mindarmour.adv_robustness.attacks import FastGradientSignMethod

ATTACK = FastGradientSignMethod
