namespace Drover.Ingress.Routing;

/// <summary>
/// One path of an ingress rule. <see cref="Key"/> is what is compared: the path itself for Exact, the path
/// without trailing slashes for Prefix ("/" becomes "", which every path starts with), so "/foo/" and
/// "/foo" are the same prefix as the Kubernetes examples table requires.
/// </summary>
public sealed class PathRule<TTarget>
    where TTarget : class
{
    public PathRule(string path, PathMatchKind kind, TTarget target, int order)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(target);
        Path = path.Length == 0 ? "/" : path;
        Kind = kind;
        Target = target;
        Order = order;
        Key = kind == PathMatchKind.Exact ? Path : Path.TrimEnd('/');
    }

    public string Path { get; }
    public PathMatchKind Kind { get; }
    public string Key { get; }
    public TTarget Target { get; }

    /// <summary>Breaks ties between equal rules: the older ingress wins, as ingress-nginx decides.</summary>
    public int Order { get; }

    public bool Matches(string requestPath)
    {
        if (Kind == PathMatchKind.Exact)
            return string.Equals(requestPath, Key, StringComparison.Ordinal);
        // Element-wise: the key must be followed by the end or by a '/' ("/aaa/bbb" is not a prefix of "/aaa/bbbxyz").
        return requestPath.StartsWith(Key, StringComparison.Ordinal)
            && (requestPath.Length == Key.Length || requestPath[Key.Length] == '/');
    }

    /// <summary>
    /// Longest key first, then Exact before Prefix (the Kubernetes rule for equally long matches), then
    /// the older rule. Scanning rules in this order, the first that matches is the one the spec picks.
    /// </summary>
    internal static int Compare(PathRule<TTarget>? x, PathRule<TTarget>? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return 1;
        if (y is null)
            return -1;
        var byLength = y.Key.Length.CompareTo(x.Key.Length);
        if (byLength != 0)
            return byLength;
        var byKind = x.Kind.CompareTo(y.Kind);
        if (byKind != 0)
            return byKind;
        var byOrder = x.Order.CompareTo(y.Order);
        return byOrder != 0 ? byOrder : string.CompareOrdinal(x.Key, y.Key);
    }
}
