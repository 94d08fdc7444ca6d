package eos
