/**
 * Domain event data in the shape of the registry.v1 contract: the JSON names and forms of its
 * payload messages. Most types already match (the convention of libs/contracts/README.md); the
 * few that differ are adapted here, once, before entitlements and encoding, so the entitlement
 * file, the Kafka payloads and the HTTP feed all speak the contract's names.
 */
type Data = Record<string, unknown>;

const ADAPTATIONS: Record<string, (data: Data) => Data> = {
  // The domain calls the new name `name`; the contract `newName` (beside `previousName`).
  NameChanged: ({ name, ...rest }) => ({ ...rest, newName: name }),
  // Any field can be corrected, so the contract carries the values as JSON text.
  RecordCorrected: ({ oldValue, newValue, ...rest }) => ({
    ...rest,
    oldValueJson: JSON.stringify(oldValue ?? null),
    newValueJson: JSON.stringify(newValue ?? null),
  }),
};

export function contractShaped(type: string, data: Data): Data {
  const adapt = ADAPTATIONS[type];
  return adapt ? adapt(data) : data;
}
