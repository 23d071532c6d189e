print("kkbench")
