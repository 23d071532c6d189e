/// Splits the byte stream from an Asterisk manager into the banner and messages.
///
/// Bytes may arrive split at any boundary. Lines end in CRLF or a bare LF; a blank line ends a message.
/// Every buffer is bounded: an overlong line, an oversized message or too many fields produce one clear
/// error, the rest of that message is skipped, and decoding resumes at the next blank line.
public struct AMIFrameDecoder: Sendable {
    public struct Limits: Sendable, Hashable {
        public var maximumLineLength: Int
        public var maximumMessageBytes: Int
        public var maximumFields: Int

        public init(maximumLineLength: Int = 8192, maximumMessageBytes: Int = 65536, maximumFields: Int = 128) {
            self.maximumLineLength = maximumLineLength
            self.maximumMessageBytes = maximumMessageBytes
            self.maximumFields = maximumFields
        }
    }

    public enum Frame: Hashable, Sendable {
        /// `Asterisk Call Manager/x.y.z`: the version text.
        case banner(String)
        case message(AMIMessage)
    }

    public enum DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
        case lineTooLong(limit: Int)
        case messageTooLarge(limit: Int)
        case tooManyFields(limit: Int)
        case lineWithoutColon

        public var description: String {
            switch self {
            case .lineTooLong(let limit): "AMI line longer than \(limit) bytes; message skipped"
            case .messageTooLarge(let limit): "AMI message larger than \(limit) bytes; message skipped"
            case .tooManyFields(let limit): "AMI message with more than \(limit) fields; message skipped"
            case .lineWithoutColon: "AMI line without 'Key: Value' form; message skipped"
            }
        }
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var expectingBanner = true
    private var fields: [AMIMessage.Field] = []
    private var messageBytes = 0
    private var skippingMessage = false
    private var skippingOverlongLine = false

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame or error, or nil when more bytes are needed.
    public mutating func next() -> Result<Frame, DecodeError>? {
        while true {
            guard let newline = buffer[readIndex...].firstIndex(of: 0x0A) else {
                // A trailing CR may be the first half of a CRLF split across reads: it is not part of the
                // line yet, or a line of exactly the limit would be refused or accepted depending on where
                // TCP cut the stream (found by Fuzz/Targets/AMIDecoderFuzz.swift).
                let pendingCR = buffer.last == 0x0D ? 1 : 0
                if buffer.count - readIndex > limits.maximumLineLength + pendingCR {
                    // Drop what we have of the line; the error is reported once.
                    buffer.removeAll(keepingCapacity: true)
                    readIndex = 0
                    if !skippingOverlongLine {
                        skippingOverlongLine = true
                        return failAndSkipMessage(.lineTooLong(limit: limits.maximumLineLength))
                    }
                }
                return nil
            }
            var lineEnd = newline
            if lineEnd > readIndex && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = buffer[readIndex..<lineEnd]
            readIndex = newline + 1
            if skippingOverlongLine {
                skippingOverlongLine = false
                continue
            }
            if line.count > limits.maximumLineLength {
                return failAndSkipMessage(.lineTooLong(limit: limits.maximumLineLength))
            }
            if expectingBanner {
                expectingBanner = false
                let text = String(decoding: line, as: UTF8.self)
                if text.hasPrefix("Asterisk Call Manager/") {
                    return .success(.banner(String(text.dropFirst("Asterisk Call Manager/".count))))
                }
            }
            if line.isEmpty {
                if skippingMessage {
                    skippingMessage = false
                    continue
                }
                if fields.isEmpty { continue }
                let message = AMIMessage(fields: fields)
                fields.removeAll(keepingCapacity: true)
                messageBytes = 0
                return .success(.message(message))
            }
            if skippingMessage { continue }
            messageBytes += line.count + 2
            if messageBytes > limits.maximumMessageBytes {
                return failAndSkipMessage(.messageTooLarge(limit: limits.maximumMessageBytes))
            }
            if fields.count >= limits.maximumFields {
                return failAndSkipMessage(.tooManyFields(limit: limits.maximumFields))
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                return failAndSkipMessage(.lineWithoutColon)
            }
            var valueStart = colon + 1
            while valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            fields.append(
                AMIMessage.Field(
                    key: String(decoding: line[line.startIndex..<colon], as: UTF8.self),
                    value: String(decoding: line[valueStart...], as: UTF8.self)))
        }
    }

    private mutating func failAndSkipMessage(_ error: DecodeError) -> Result<Frame, DecodeError> {
        fields.removeAll(keepingCapacity: true)
        messageBytes = 0
        skippingMessage = true
        return .failure(error)
    }
}
