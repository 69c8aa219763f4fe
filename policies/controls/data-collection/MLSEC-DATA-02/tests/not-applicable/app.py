print("no data here")
