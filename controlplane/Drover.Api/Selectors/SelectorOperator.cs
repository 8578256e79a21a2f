namespace Drover.Api;

/// <summary>Operators of the string selector form (<c>kubectl -l</c>); the API form uses a subset.</summary>
public enum SelectorOperator
{
    /// <summary><c>key=value</c> or <c>key==value</c>.</summary>
    Equals,

    /// <summary><c>key!=value</c>; also true when the key is absent.</summary>
    NotEquals,

    /// <summary><c>key in (a,b)</c>.</summary>
    In,

    /// <summary><c>key notin (a,b)</c>; also true when the key is absent.</summary>
    NotIn,

    /// <summary><c>key</c>.</summary>
    Exists,

    /// <summary><c>!key</c>.</summary>
    DoesNotExist,

    /// <summary><c>key&gt;n</c>; both sides must be 64-bit integers.</summary>
    GreaterThan,

    /// <summary><c>key&lt;n</c>; both sides must be 64-bit integers.</summary>
    LessThan,
}
