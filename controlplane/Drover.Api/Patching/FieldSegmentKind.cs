namespace Drover.Api.Patching;

/// <summary>What a <see cref="FieldSegment"/> names.</summary>
public enum FieldSegmentKind { Field, Key, Value }
