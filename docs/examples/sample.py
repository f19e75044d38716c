import os
import pickle


def load(blob):
    return pickle.loads(blob)


def run(user_input):
    result = eval(user_input)
    os.system("echo " + str(result))
    return result
