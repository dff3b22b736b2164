"""
moto_server with documented speed-ups, a longer listen queue, a DynamoDB correction and two actions
moto lacks: what `moto_server` runs, started by lib/emulator/server.ts whenever the Python that has
moto can import moto.

The speed-ups were found by profiling moto's own WSGI app (moto 5.2.1), and each keeps every
answer the same: same arguments, same app, same bytes (test/emulator/moto-launcher.test.ts compares
the patched functions with moto's own, and the two servers' answers).

1. moto decides which service a request is for by calling `moto.backends.list_of_moto_modules()`
   on every request, which lists moto's package folder and stats each of its ~180 entries every
   time: a third of the emulator's CPU per request (3.5 s of 10.2 s for 2,000 S3 PutObject calls).
   The folder does not change while the server runs, so it is listed once.
2. Every timestamp in a response is parsed back from its stored string by dateutil and formatted
   again, once per object listed: 43% of a ListObjectsV2 of 20,000 keys. The same string in the
   same format always gives the same text, so each (string, format) is converted once.
3. The response serializer asks six alias providers, per member of every object it writes, which
   attribute names to read; the answer is a fact of the classes and shapes, so it is asked once.
4. JSONPath texts are parsed once, by one parser (below), and werkzeug's per-request log is off.

And one correction (not a speed-up): DynamoDB applies the writes to one item one at a time, so
concurrent `ADD n :one` updates all count. moto's update_item reads, computes and writes the item
without a lock, and the server is threaded: 20 threads of 50 ADDs to one item in plain
moto_server 5.2.1 gave 989, not 1,000. The campaign summary item takes an ADD from every ledger
row transition, from many child workflows at once, so its counts came out short (a 1,000-item
campaign ended with 400 counted succeeded). DynamoDB's write calls here run one at a time.
"""
import functools
import os
import sys
import threading

import jsonpath_ng
import jsonpath_ng.ext
import jsonpath_ng.ext.parser
import jsonpath_ng.parser
import moto.backends as backends
import werkzeug.serving
from moto.core import serialize

_MODULES = tuple(backends.list_of_moto_modules())


def _list_of_moto_modules():
    return iter(_MODULES)


backends.list_of_moto_modules = _list_of_moto_modules

_convert_timestamp = serialize.TimestampSerializer._convert_timestamp_to_str
_converted = {}


def _convert_timestamp_once(self, value, timestamp_format):
    # Only strings: a datetime's text depends on nothing else either, but strings are what moto
    # stores; a dict read or write is atomic under the GIL, so the server's threads may share it.
    if not isinstance(value, str):
        return _convert_timestamp(self, value, timestamp_format)
    key = (value, timestamp_format)
    text = _converted.get(key)
    if text is None:
        text = _convert_timestamp(self, value, timestamp_format)
        if len(_converted) < 1_000_000:
            _converted[key] = text
    return text


serialize.TimestampSerializer._convert_timestamp_to_str = _convert_timestamp_once


def _possible_keys_once(get_possible_keys):
    """moto's response serializer finds each member of each listed object by asking six alias
    providers, built anew for every member of every object, which names to look the member up by.
    Their answer depends only on the picker's class, the object's class (its name and its class
    `Meta`), the member's key and the botocore shape and its parent, never on the object's values:
    so each combination is asked once. The shapes come from one cached service model per service;
    the cache keeps a reference to each shape it keys on, so an id is never reused for another."""
    cache = {}

    def keys(self, context):
        obj = context.obj
        shape = context.shape
        parent = getattr(shape, "parent", None)
        if "Meta" in getattr(obj, "__dict__", ()):  # an object's own Meta: not a class fact
            return get_possible_keys(self, context)
        key = (type(self), type(obj), context.key, id(shape), id(parent))
        found = cache.get(key)
        if found is None or found[0] is not shape or found[1] is not parent:
            found = (shape, parent, tuple(get_possible_keys(self, context)))
            if len(cache) < 100_000:
                cache[key] = found
        return iter(found[2])

    return keys


for _picker in (serialize.AttributePicker, serialize.XFormedAttributePicker):
    _picker.get_possible_keys = _possible_keys_once(_picker.get_possible_keys)


# ---- S3 ListObjectsV2 written straight from its shape ---------------------------------------------
# moto writes a listing through its generic serializer: for every member of every object listed it
# builds a picker context and a nested dict, then xmltodict walks that dict again. That was 85% of
# the emulator's CPU in the CNES batcher's backlog test (20,000 archives listed page by page, run
# after run). The listing is written here from the same botocore shape, in the shape's member order
# with the same value rules (strings escaped as XMLGenerator escapes them, booleans as true/false,
# timestamps through moto's own timestamp serializer). Anything this writer does not know (a
# member outside the shape, a header member, a nested list that is not flattened, pretty printing)
# goes to moto's serializer unchanged; the test compares the two on many listings, byte for byte.


class _NotPlain(Exception):
    """A result the straight writer leaves to moto's serializer."""


def _xml_text(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write_structure(out, value, shape, timestamps):
    if not isinstance(value, dict):
        raise _NotPlain()
    members = shape.members
    for key in value:
        if key not in members or "location" in members[key].serialization:
            raise _NotPlain()
    for key, member in members.items():
        item = value.get(key)
        if item is not None:
            _write_member(out, item, member, member.serialization.get("name", key), timestamps)


def _write_member(out, value, shape, name, timestamps):
    serialization = shape.serialization
    if "xmlNamespace" in serialization or serialization.get("xmlAttribute"):
        raise _NotPlain()
    kind = shape.type_name
    if kind == "list":
        if not serialization.get("flattened"):
            raise _NotPlain()
        for item in value:
            _write_member(out, item, shape.member, name, timestamps)
        return
    if kind == "structure":
        inner = []
        _write_structure(inner, value, shape, timestamps)
        if not inner:
            raise _NotPlain()
        out.append(f"<{name}>")
        out.extend(inner)
        out.append(f"</{name}>")
        return
    if kind == "string":
        text = str(value)
    elif kind == "boolean":
        text = "true" if value is True or str(value).lower() == "true" else "false"
    elif kind in ("integer", "long"):
        text = str(int(value))
    elif kind == "timestamp":
        wrapper = {}
        timestamps.serialize(wrapper, value, shape, "timestamp")
        text = str(wrapper["timestamp"])
    else:
        raise _NotPlain()
    # xmltodict writes an empty text as an empty element.
    out.append(f"<{name}>{_xml_text(text)}</{name}>" if text else f"<{name}/>")


def _list_objects_v2_written_straight(serialized):
    from moto import settings
    from moto.core.responses import ActionResult
    from moto.core.utils import get_service_model

    @functools.cache
    def layout():
        """The shape, the document's first line and the timestamp writer: once, at the first listing."""
        operation = get_service_model("s3").operation_model("ListObjectsV2")
        shape = operation.output_shape
        root = shape.serialization["resultWrapper"]
        head = f'<?xml version="1.0" encoding="utf-8"?>\n<{root} xmlns="{operation.metadata["xmlNamespace"]}">'
        return shape, root, head, serialize.TimestampSerializer(serialize.S3Serializer.DEFAULT_TIMESTAMP_FORMAT)

    def fast(self, action_result):
        if type(action_result) is ActionResult and isinstance(action_result.result, dict) and not settings.PRETTIFY_RESPONSES and self._get_action() == "ListObjectsV2":
            shape, root, head, timestamps = layout()
            out = [head]
            try:
                _write_structure(out, action_result.result, shape, timestamps)
            except _NotPlain:
                return serialized(self, action_result)
            out.append(f"</{root}>")
            headers = {"Content-Type": serialize.S3Serializer.CONTENT_TYPE}
            headers.update(self.response_headers)
            return 200, headers, "".join(out)
        return serialized(self, action_result)

    return fast


from moto.s3 import responses as _s3_responses  # noqa: E402

_s3_responses.S3Response.serialized = _list_objects_v2_written_straight(_s3_responses.S3Response.serialized)

# ---- Bulk seeding of S3 objects, for test set-up ---------------------------------------------------
# POST /pcm-api/s3/seed with {"bucket": name, "objects": [[key, body], ...]} puts each object through
# moto's own S3 backend `put_object` (what a PutObject runs once its request is parsed), in moto's
# default account. Test set-up that needs tens of thousands of objects (the CNES backlog: 20,000
# archives) then costs one request, not 20,000 PutObject round trips through HTTP, werkzeug and
# Flask at about 2.5 ms of emulator CPU each. Not an AWS API: nothing in the kit calls it, and the
# emulator listens on loopback only.
SEED_PATH = "/pcm-api/s3/seed"


def _with_seeding(call):
    import json

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    def dispatch(self, environ, start_response):
        if environ.get("PATH_INFO") != SEED_PATH or environ.get("REQUEST_METHOD") != "POST":
            return call(self, environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            request = json.loads(environ["wsgi.input"].read(length))
            backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
            for key, body in request["objects"]:
                backend.put_object(request["bucket"], key, body.encode("utf-8"))
            status, answer = "200 OK", {"seeded": len(request["objects"])}
        except Exception as error:  # the test that seeds reads the reason
            status, answer = "400 Bad Request", {"error": f"{type(error).__name__}: {error}"}
        body = json.dumps(answer).encode("utf-8")
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return dispatch


from moto.moto_server import werkzeug_app as _werkzeug_app  # noqa: E402

_werkzeug_app.DomainDispatcherApplication.__call__ = _with_seeding(_werkzeug_app.DomainDispatcherApplication.__call__)



def _parse_with_one_parser(parser_class):
    """A `parse(path)` that builds its LALR parser once and parses each path text once. PLY's
    parser keeps its stacks on itself, so one parse runs at a time; the interpreter's threads
    then share the cached trees."""
    parser = None
    lock = threading.Lock()

    @functools.lru_cache(maxsize=4096)
    def parse(path):
        nonlocal parser
        with lock:
            if parser is None:
                parser = parser_class()
            return parser.parse(path)

    return parse


_parse_once = _parse_with_one_parser(jsonpath_ng.parser.JsonPathParser)
_parse_ext_shared = _parse_with_one_parser(jsonpath_ng.ext.parser.ExtendedJsonPathParser)
_parse_ext = jsonpath_ng.ext.parser.parse


def _parse_ext_once(path, debug=False):
    return _parse_ext(path, debug) if debug else _parse_ext_shared(path)


werkzeug.serving.BaseWSGIServer.request_queue_size = 4096

# werkzeug logs every request through Python's logging (and colorama) to a stderr the kit discards:
# 13% of the emulator's CPU during a deploy. PCM_MOTO_REQUEST_LOG=1 keeps the log, for debugging.
if os.environ.get("PCM_MOTO_REQUEST_LOG") != "1":
    werkzeug.serving.WSGIRequestHandler.log_request = lambda self, code="-", size="-": None

# Before moto's Step Functions modules import `parse` by name (they load with the first request).
jsonpath_ng.parse = jsonpath_ng.parser.parse = _parse_once
jsonpath_ng.ext.parse = jsonpath_ng.ext.parser.parse = _parse_ext_once

from moto.dynamodb.models import DynamoDBBackend  # noqa: E402

_dynamodb_writes = threading.RLock()


def _one_write_at_a_time(method):
    @functools.wraps(method)
    def write(*args, **kwargs):
        with _dynamodb_writes:
            return method(*args, **kwargs)

    return write


for _name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
    if hasattr(DynamoDBBackend, _name):
        setattr(DynamoDBBackend, _name, _one_write_at_a_time(getattr(DynamoDBBackend, _name)))

# moto's Step Functions interpreter calls moto itself through boto3 with retries off
# (total_max_attempts 1), one new client and connection per task. A burst of tasks (10 child
# workflows of 40 row writes each) then loses some calls at the connection level (a reset or a
# refused connection under load), the task fails with DynamoDB.AmazonDynamoDBException, and moto's
# Distributed Map closes a failed child as if it had ended (it counts it failed and the map
# succeeds), so a campaign ended SUCCEEDED with rows never written. AWS's integrations do not fail
# on their own transport: connection errors are retried here (botocore's standard mode retries
# transport errors and throttles, never a ConditionalCheckFailed or any other answer).
from botocore.config import Config  # noqa: E402
from moto.stepfunctions.parser.asl.utils import boto_client as _sfn_boto_client  # noqa: E402

_boto_client_for = _sfn_boto_client.boto_client_for


_clients = {}
_clients_lock = threading.Lock()


def _boto_client_retrying_transport(region, service, state_credentials=None):
    # moto's boto_client_for, with botocore's standard retries instead of none, and one client per
    # region and service instead of a new one per task: building a client (its service model, its
    # event hooks) cost more CPU than the call it made, thousands of times in a campaign. botocore
    # clients are thread-safe; the pool holds as many connections as the interpreter's bursts use.
    key = (region, service)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                kwargs = {}
                if not _sfn_boto_client.botocore_stubber.enabled:
                    kwargs["endpoint_url"] = f"http://localhost:{_sfn_boto_client.moto_server_port()}"
                timeout = _sfn_boto_client.TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS
                client = _clients[key] = _sfn_boto_client.boto3.client(
                    aws_access_key_id="ak",
                    region_name=region,
                    service_name=service,
                    aws_secret_access_key="sk",
                    config=Config(
                        parameter_validation=False,
                        retries={"mode": "standard", "total_max_attempts": 5},
                        connect_timeout=timeout,
                        read_timeout=timeout,
                        max_pool_connections=256,
                    ),
                    **kwargs,
                )
    return client


_sfn_boto_client.boto_client_for = _boto_client_retrying_transport
# Modules that imported it by name already (the rest load with the first request, after this).
for _module in list(sys.modules.values()):
    if getattr(_module, "boto_client_for", None) is _boto_client_for:
        _module.boto_client_for = _boto_client_retrying_transport

# ---- The two actions added: Step Functions' ValidateStateMachineDefinition and
# ListStateMachineVersions ----------------------------------------------------------------------
# The AWS provider (5.100) calls both for every aws_sfn_state_machine: ValidateStateMachineDefinition
# whenever it plans a new or changed definition (once while planning and again while applying),
# ListStateMachineVersions on every read (after each create and each refresh). moto 5.2.1
# implements neither: each answers HTTP 500 ("The ... action has not been implemented"), which the
# provider's SDK retries 25 times with a backoff that doubles to minutes, so no Terraform deploy
# of a state machine finished (bulk-compute with campaigns: past 14 minutes). No choice of
# Terraform arguments avoids either call, so the emulator answers them, from moto's own state:
# - ValidateStateMachineDefinition: exactly what moto's own CreateStateMachine would do with the
#   definition. moto stores any definition unless its interpreter is on (`execute_state_machine`),
#   and then parses it and refuses what its parser rejects: OK, or FAIL with the parser's message.
#   Real AWS keeps its own, fuller check; the kit's production definitions never change for it.
# - ListStateMachineVersions: the versions moto keeps for the machine (published ones; the kit
#   publishes none), newest first as AWS lists them, all in one page.
from moto.core.responses import ActionResult  # noqa: E402
from moto.stepfunctions import responses as _sfn_responses  # noqa: E402


def _validate_state_machine_definition(self):
    definition = self._get_param("definition")
    diagnostics = []
    if _interpreting():
        from moto.stepfunctions.parser.api import InvalidDefinition
        from moto.stepfunctions.parser.models import StepFunctionsParserBackend

        try:
            StepFunctionsParserBackend._validate_definition(definition=definition)
        except InvalidDefinition as refused:
            diagnostics.append({"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(refused.message)})
    return ActionResult({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False})


def _interpreting():
    # The same switch moto's responses use to pick the backend that parses definitions.
    from moto.core.config import default_user_config

    return bool(default_user_config.get("stepfunctions", {}).get("execute_state_machine", False))


def _list_state_machine_versions(self):
    # Raises moto's own StateMachineDoesNotExist for an unknown machine, as DescribeStateMachine does.
    machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
    versions = sorted(getattr(machine, "versions", {}).values(), key=lambda v: v.version, reverse=True)
    return ActionResult({"stateMachineVersions": [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions]})


# A moto that implements an action keeps its own.
for _action, _answer in (("validate_state_machine_definition", _validate_state_machine_definition), ("list_state_machine_versions", _list_state_machine_versions)):
    if not hasattr(_sfn_responses.StepFunctionResponse, _action):
        setattr(_sfn_responses.StepFunctionResponse, _action, _answer)

from moto.server import main  # noqa: E402  (after the patch, as moto_server's own entry point)


# ---- Fork server -----------------------------------------------------------------------------------
# `moto-launcher.py --fork-server`: imports moto, Flask and the patches above once, then starts each
# emulator asked for on stdin by forking itself. Each request is one JSON line,
# {"args": [moto_server arguments], "env": {the emulator's environment}}, and the answer is the
# emulator's process id on a line. A test run starts some ninety emulators; each fresh Python spent
# about a CPU-second importing the same modules before it served anything. Service modules (EC2,
# IAM, ...) are not imported here: they load in each emulator on its first request, after its own
# environment is in place (moto reads MOTO_AMIS_PATH when EC2's module loads). Only moto.settings'
# import-time values come from the fork server's environment; the kit sets none of them per emulator.
# The server ends when its stdin closes (the Node process that started it has gone).
def _serve_forks():
    import json
    import signal

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps emulators that end
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):  # off the fork server's pipes, as a spawned emulator would be
                    os.dup2(devnull, fd)
                os.environ.clear()
                os.environ.update(request["env"])
                sys.argv = ["moto_server", *request["args"]]
                code = main() or 0
            except SystemExit as ended:
                code = ended.code if isinstance(ended.code, int) else 1
            finally:
                os._exit(code)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["--fork-server"]:
        _serve_forks()
    else:
        sys.exit(main())
