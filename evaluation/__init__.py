"""Measuring: replay of transcripts and its report, export, matcher and PII evaluation.

Where new code goes: anything that scores the system on a set of examples. It may import
every layer below; nothing imports it but the command line.
"""
