print("kkset")
