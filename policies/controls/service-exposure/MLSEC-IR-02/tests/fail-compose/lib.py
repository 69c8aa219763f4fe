print("library code only")
