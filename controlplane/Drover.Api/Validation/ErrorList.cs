using System.Globalization;
using System.Text;

namespace Drover.Api;

/// <summary>
/// Collects <see cref="FieldError"/>s and renders offending values as Kubernetes does (Go's <c>%q</c> for
/// strings, bare numbers), so every validator reports in one consistent form.
/// </summary>
internal sealed class ErrorList
{
    private readonly List<FieldError> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<FieldError> ToList() => _errors.ToArray();

    public void Add(FieldError error) => _errors.Add(error);

    public void Required(string field, string detail = "") =>
        _errors.Add(new FieldError(field, FieldErrorType.Required, null, detail));

    public void Invalid(string field, string? value, string detail) =>
        _errors.Add(new FieldError(field, FieldErrorType.Invalid, Quote(value ?? ""), detail));

    public void Invalid(string field, long value, string detail) =>
        _errors.Add(new FieldError(field, FieldErrorType.Invalid, value.ToString(CultureInfo.InvariantCulture), detail));

    /// <summary>For values that are neither a string nor a number (maps, objects); <paramref name="rendered"/> is printed as is.</summary>
    public void InvalidRendered(string field, string rendered, string detail) =>
        _errors.Add(new FieldError(field, FieldErrorType.Invalid, rendered, detail));

    public void NotSupported(string field, string? value, params ReadOnlySpan<string> supported)
    {
        var detail = new StringBuilder("supported values: ");
        for (var i = 0; i < supported.Length; i++)
        {
            if (i > 0) detail.Append(", ");
            detail.Append(Quote(supported[i]));
        }
        _errors.Add(new FieldError(field, FieldErrorType.NotSupported, Quote(value ?? ""), detail.ToString()));
    }

    public void Duplicate(string field, string value, string detail = "") =>
        _errors.Add(new FieldError(field, FieldErrorType.Duplicate, Quote(value), detail));

    public void NotFound(string field, string value) =>
        _errors.Add(new FieldError(field, FieldErrorType.NotFound, Quote(value), ""));

    public void Forbidden(string field, string detail) =>
        _errors.Add(new FieldError(field, FieldErrorType.Forbidden, null, detail));

    public void TooLong(string field, long maxBytes) =>
        _errors.Add(new FieldError(field, FieldErrorType.TooLong, null, $"may not be more than {maxBytes} bytes"));

    public void TooMany(string field, int actual, int max) =>
        _errors.Add(new FieldError(field, FieldErrorType.TooMany, actual.ToString(CultureInfo.InvariantCulture), $"must have at most {max} items"));

    /// <summary>
    /// Checks a list item by item within its bound: nothing for an absent list, one TooMany (and no item checks) above
    /// <paramref name="max"/>, Required for a null item, else <paramref name="check"/> with the item and its path "path[i]".
    /// </summary>
    public void EachItem<T>(List<T>? items, string path, int max, Action<T, string> check)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(check);
        if (items is null)
            return;
        if (items.Count > max)
        {
            TooMany(path, items.Count, max);
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (items[i] is { } item)
                check(item, at);
            else
                Required(at);
        }
    }

    /// <summary>
    /// Adds an Invalid error when <paramref name="value"/> is set and negative; the wording is
    /// apimachinery's ValidateNonnegativeField.
    /// </summary>
    public void NonNegative(string field, long? value)
    {
        if (value is < 0)
            Invalid(field, value.Value, "must be greater than or equal to 0");
    }

    /// <summary>Go's <c>%q</c>: double quotes with backslash escapes for quotes, backslashes and control characters.</summary>
    internal static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Go's <c>%#v</c> of a <c>map[string]string</c>, keys sorted as fmt prints them.</summary>
    internal static string RenderMap(IReadOnlyDictionary<string, string>? map)
    {
        var sb = new StringBuilder("map[string]string{");
        if (map is not null)
        {
            var first = true;
            foreach (var key in map.Keys.Order(StringComparer.Ordinal))
            {
                if (!first) sb.Append(", ");
                first = false;
                sb.Append(Quote(key)).Append(':').Append(Quote(map[key]));
            }
        }
        return sb.Append('}').ToString();
    }
}
