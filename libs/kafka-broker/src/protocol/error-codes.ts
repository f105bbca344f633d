/** Kafka protocol error codes used by this broker (the numbers are the protocol's, not ours). */
export enum ErrorCode {
  UnknownServerError = -1,
  None = 0,
  OffsetOutOfRange = 1,
  CorruptMessage = 2,
  UnknownTopicOrPartition = 3,
  MessageTooLarge = 10,
  CoordinatorNotAvailable = 15,
  InvalidTopic = 17,
  InvalidRequiredAcks = 21,
  IllegalGeneration = 22,
  InconsistentGroupProtocol = 23,
  InvalidGroupId = 24,
  UnknownMemberId = 25,
  InvalidSessionTimeout = 26,
  RebalanceInProgress = 27,
  UnsupportedVersion = 35,
  TopicAlreadyExists = 36,
  InvalidPartitions = 37,
  InvalidReplicationFactor = 38,
  InvalidConfig = 40,
  InvalidRequest = 42,
  OutOfOrderSequenceNumber = 45,
  InvalidProducerEpoch = 47,
  KafkaStorageError = 56,
  NonEmptyGroup = 68,
  GroupIdNotFound = 69,
}

/** An error that maps onto one protocol error code, raised inside the log or the group coordinator. */
export class KafkaProtocolError extends Error {
  override readonly name = 'KafkaProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
