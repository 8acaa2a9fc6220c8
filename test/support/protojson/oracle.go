// ProtoJSON as Go's protojson reads and writes it: an oracle the vpci tests run against
// (test/state/protojson-oracles.test.ts), never used by vpci itself. Built in GOPATH mode against
// Debian's golang-google-protobuf-dev; the schema comes from `protoc --descriptor_set_out`.
//
//	oracle SET.pb round-trip < LINES   one ProtoJSON per line: protojson.Unmarshal it (unknown
//	                                   fields refused), then write one line {"json": Marshal,
//	                                   "binary": base64 of proto.Marshal} or {"error": reason}
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

func main() {
	raw, err := os.ReadFile(os.Args[1])
	must(err)
	set := &descriptorpb.FileDescriptorSet{}
	must(proto.Unmarshal(raw, set))
	files, err := protodesc.NewFiles(set)
	must(err)
	d, err := files.FindDescriptorByName("vpci.migration.v1.MigrationState")
	must(err)
	if os.Args[2] != "round-trip" {
		must(fmt.Errorf("unknown mode %s", os.Args[2]))
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		m := dynamicpb.NewMessage(d.(protoreflect.MessageDescriptor))
		if err := protojson.Unmarshal(in.Bytes(), m); err != nil {
			must(out.Encode(map[string]string{"error": err.Error()}))
			continue
		}
		text, err := protojson.Marshal(m)
		must(err)
		binary, err := proto.Marshal(m)
		must(err)
		must(out.Encode(map[string]interface{}{"json": json.RawMessage(text), "binary": base64.StdEncoding.EncodeToString(binary)}))
	}
	must(in.Err())
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
