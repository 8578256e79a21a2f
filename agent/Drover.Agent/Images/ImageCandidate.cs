namespace Drover.Agent.Images;

/// <summary>One image as the garbage collector weighs it: what it frees, when it was first seen and last used, and whether it must stay.</summary>
internal sealed record ImageCandidate(string Id, long SizeBytes, DateTimeOffset FirstDetected, DateTimeOffset LastUsed, bool InUse, bool Pinned);
