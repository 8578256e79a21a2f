namespace Drover.Api.Protobuf;

/// <summary>A field's type: protobuf scalars, the Kubernetes messages with a JSON form of their own, or a message.</summary>
internal enum ProtoType
{
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    Double,
    Float,
    /// <summary>metav1.Time: {1: seconds, 2: nanos}, JSON RFC 3339 to the second.</summary>
    Time,
    /// <summary>metav1.MicroTime: as Time, JSON to the microsecond.</summary>
    MicroTime,
    /// <summary>metav1.Duration: {1: nanoseconds}; no kind served uses it.</summary>
    Duration,
    /// <summary>runtime.RawExtension / metav1.FieldsV1: {1: raw JSON bytes}.</summary>
    RawJson,
    /// <summary>resource.Quantity: {1: string}.</summary>
    Quantity,
    /// <summary>intstr.IntOrString: {1: type (0 int, 1 string), 2: intVal, 3: strVal}.</summary>
    IntOrString,
    Message,
}
