namespace Drover.Agent.ClusterDns;

internal enum DnsReadStatus
{
    /// <summary>A query to answer.</summary>
    Query,

    /// <summary>Not answered at all: shorter than a header, or a response (answering those could loop between servers).</summary>
    Drop,

    /// <summary>Answered FORMERR: a header, but the rest breaks the format or a limit.</summary>
    FormatError,

    /// <summary>Answered NOTIMP: an opcode other than QUERY.</summary>
    NotImplemented,
}
