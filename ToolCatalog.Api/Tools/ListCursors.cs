using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Tools;

public sealed class PagingOptions
{
    public const string Section = "Paging";

    /// <summary>
    /// The secret list cursors are signed with. Every replica of a deployment must use the same one, or a cursor
    /// issued by one replica is refused by the next. When unset it is derived from the database connection string,
    /// which all replicas of a deployment share; set it explicitly to keep cursors valid across credential rotation.
    /// </summary>
    [MinLength(32)]
    public string? CursorKey { get; set; }
}

/// <summary>
/// List cursors: the last name of a page, signed (HMAC-SHA256, 128-bit tag) so a client can only hand back a cursor this
/// deployment issued. A forged cursor is a 400 before anything is computed or cached, so cursors cannot be used to mint
/// an unbounded number of distinct requests.
/// </summary>
public sealed class ListCursors
{
    private const string Version = "c2:";
    public const int MaxLength = 300;
    private readonly byte[] _key;

    public ListCursors(IOptions<PagingOptions> options, IConfiguration configuration)
    {
        var secret = options.Value.CursorKey
            ?? "derived|" + (configuration.GetConnectionString(Extensions.ApplicationServiceExtensions.DatabaseResource) ?? "");
        _key = SHA256.HashData(Encoding.UTF8.GetBytes("toolcatalog.cursor.v2|" + secret));
    }

    public string Encode(string lastName)
    {
        var payload = Encoding.UTF8.GetBytes(Version + lastName);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Tag(payload));
    }

    /// <summary>The last name of the page the cursor was issued for, or null when this deployment did not issue it.</summary>
    public string? Decode(string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (cursor.Length > MaxLength || dot <= 0 || !Base64Url.IsValid(cursor.AsSpan(0, dot)) || !Base64Url.IsValid(cursor.AsSpan(dot + 1)))
        {
            return null;
        }
        var payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
        var tag = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
        if (!CryptographicOperations.FixedTimeEquals(tag, Tag(payload)))
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(payload);
        return text.StartsWith(Version, StringComparison.Ordinal) && text.Length > Version.Length ? text[Version.Length..] : null;
    }

    private byte[] Tag(byte[] payload) => HMACSHA256.HashData(_key, payload)[..16];
}
