import art
from art import text2art

print(text2art('trainer'))
