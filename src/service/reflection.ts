/**
 * gRPC server reflection for the service and health schemas, from the descriptors `buf build`
 * compiled (`generated/descriptor-set.ts`), served by `@grpc/reflection`. Its usual input, the
 * descriptors protobufjs rebuilds from a loaded schema, is not valid for Go's descriptor checks
 * (a map field's entry message is not named `<Field>Entry`; files of one package merged), so
 * Go clients such as `buf curl` and `grpcurl` could list the services but not call them.
 */
import { ReflectionService } from '@grpc/reflection'
import type { PackageDefinition } from '@grpc/proto-loader'
import type { Type } from 'protobufjs'
import descriptorModule from 'protobufjs/ext/descriptor/index.js'
import { HEALTH_DESCRIPTORS, SCHEMA_DESCRIPTORS } from './generated/descriptor-set.js'

/** The descriptor messages (types at run time; its declarations call them interfaces). */
const descriptor = descriptorModule as unknown as { readonly FileDescriptorSet: Type; readonly FileDescriptorProto: Type }

/** Each file of a base64 FileDescriptorSet, encoded on its own. */
const files = (base64: string): Buffer[] => {
  const set = descriptor.FileDescriptorSet.decode(Buffer.from(base64, 'base64')) as unknown as { file: object[] }
  return set.file.map((f) => Buffer.from(descriptor.FileDescriptorProto.encode(f).finish()))
}

/** The reflection service over the compiled schema and health's. */
export const reflectionService = (): ReflectionService => {
  const protos = [...files(SCHEMA_DESCRIPTORS), ...files(HEALTH_DESCRIPTORS)]
  // The reflection service reads only `fileDescriptorProtos` of each entry.
  const definition = { files: { format: 'Protocol Buffer 3 DescriptorProto', type: {}, fileDescriptorProtos: protos } } as unknown as PackageDefinition
  return new ReflectionService(definition)
}
