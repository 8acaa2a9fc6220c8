"""ProtoJSON as Google's Python protobuf runtime reads and writes it: an oracle the vpci tests
run against (test/state/protojson-oracles.test.ts), never used by vpci itself.

    python3 oracle.py MODULES to-json < STATE.pb      MessageToJson of a binary MigrationState
    python3 oracle.py MODULES round-trip < LINES      one ProtoJSON per line: json_format.Parse it
                                                      (unknown fields refused), then write one line
                                                      {"json": MessageToJson, "binary": base64 of the
                                                      serialized message} or {"error": reason}

MODULES is a folder holding `protoc --python_out` of proto/."""
import base64
import json
import sys

sys.path.insert(0, sys.argv[1])
from google.protobuf import json_format  # noqa: E402
from vpci.migration.v1 import migration_pb2  # noqa: E402

mode = sys.argv[2]
if mode == 'to-json':
    message = migration_pb2.MigrationState()
    message.ParseFromString(sys.stdin.buffer.read())
    print(json_format.MessageToJson(message))
elif mode == 'round-trip':
    for line in sys.stdin:
        try:
            message = json_format.Parse(line, migration_pb2.MigrationState())
            out = {'json': json.loads(json_format.MessageToJson(message)), 'binary': base64.b64encode(message.SerializeToString()).decode()}
        except json_format.ParseError as e:
            out = {'error': str(e)}
        print(json.dumps(out))
else:
    sys.exit(f'unknown mode {mode}')
