# Word count: counts every word of every input line in the store `counts`
# and forwards (word, new count) for each word, in order.
#
# A word is a maximal run of characters that are letters (Unicode
# Alphabetic) or digits (Unicode Numeric) in the lowercased line (full
# Unicode lowercase mapping, including the Final_Sigma rule). Behaviour is
# identical to plugins/wordcount-rust.

from eddy_plugin import Config, ProcessingError, Processor, Record, Store, export_processor, forward
from eddy_plugin.unicode import words


class WordCount(Processor):
    def __init__(self, config: Config) -> None:
        self.counts = Store.open("counts")

    def process(self, record: Record) -> None:
        if record.value is None:
            return
        try:
            line = record.value.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProcessingError(f"value is not valid UTF-8: {error}") from None
        counts = self.counts
        timestamp = record.timestamp
        for word in words(line):
            key = word.encode("utf-8")
            previous = counts.get(key)
            count = 1 if previous is None else parse_count(previous) + 1
            value = str(count).encode("ascii")
            counts.put(key, value)
            forward(Record(key, value, timestamp, []))


def parse_count(value: bytes) -> int:
    if not (value.isdigit() and value.isascii()):
        raise ProcessingError("store 'counts' holds a value that is not a decimal count")
    return int(value)


export_processor(WordCount)
