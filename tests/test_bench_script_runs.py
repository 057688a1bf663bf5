"""The long-log benchmark tells a finished script run from Streamlit's WebSocket messages."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.long_log_browser import SCRIPT_FINISHED_FIELD, is_script_finished


def _message(**fields: object) -> bytes:
    message = ForwardMsg()
    message.hash = "a hash the reader must skip"
    for name, value in fields.items():
        setattr(message, name, value)
    return message.SerializeToString()


def test_the_field_number_is_streamlits() -> None:
    field = ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"]
    assert field.number == SCRIPT_FINISHED_FIELD


def test_a_finished_run_is_told_from_other_messages() -> None:
    for status in (
        ForwardMsg.FINISHED_SUCCESSFULLY,
        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ):
        assert is_script_finished(_message(script_finished=status))
    delta = ForwardMsg()
    delta.delta.new_element.markdown.body = "x" * 300  # a long length-delimited field
    delta.metadata.delta_path.extend([0, 1])
    assert not is_script_finished(delta.SerializeToString())
    assert not is_script_finished(_message())
