# A stateless processor: a filter and a map.
#
# Records without a value, or whose value starts with the config `drop-prefix`
# (if set), are filtered out; every other value is forwarded uppercased, with
# the same key, timestamp and headers. Behaviour is that of plugins/uppercase-ts.

from dataclasses import replace

from eddy_plugin import Config, ProcessingError, Processor, Record, export_processor, forward


class Uppercase(Processor):
    def __init__(self, config: Config) -> None:
        self.drop_prefix = config.get("drop-prefix")
        if self.drop_prefix == "":
            raise ProcessingError("config 'drop-prefix' must not be empty when set")

    def process(self, record: Record) -> None:
        if record.value is None:
            return
        try:
            value = record.value.decode("utf-8")
        except UnicodeDecodeError:
            raise ProcessingError("value is not valid UTF-8") from None
        if self.drop_prefix is not None and value.startswith(self.drop_prefix):
            return
        forward(replace(record, value=value.upper().encode("utf-8")))


export_processor(Uppercase)
