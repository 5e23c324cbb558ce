# Overrides pyinstaller-hooks-contrib's hook-jieba, which collects every data file of jieba
# (about 30 MB: the paddle model, the TF-IDF table, the part-of-speech tables). Policy Desk only
# segments with jieba.Tokenizer, which needs the main dictionary; the HMM tables for unknown
# words are Python modules (jieba.finalseg.prob_*) and are found by the import analysis.
from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("jieba", includes=["dict.txt"])
excludedimports = ["jieba.analyse", "jieba.posseg", "jieba.lac_small", "paddle"]
