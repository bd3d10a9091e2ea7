using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ToolCatalog.Catalog.Yaml;

/// <summary>
/// Writes YAML data back as a tool file: block style, key order as given, strings quoted exactly when a plain
/// scalar would be read back as another type by this project or by any other common reader, YAML 1.1 or 1.2 (so a
/// quoted "false", "yes" or "2024-03-02" stays a string everywhere, see <see cref="PortableScalars"/>), numbers in
/// the spelling every reader reads as numbers, multi-line text as literal blocks.
/// </summary>
public static class YamlWriter
{
    public const string SchemaHint = "# yaml-language-server: $schema=../../schemas/tool.json";

    public static string Write(YamlNode node, string? headerComment = SchemaHint)
    {
        using var writer = new StringWriter();
        if (headerComment is not null)
        {
            writer.WriteLine(headerComment);
        }
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false,
            maxSimpleKeyLength: 1024, skipAnchorName: false, indentSequences: true));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, YamlNode node)
    {
        switch (node)
        {
            case YamlMap map:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, map.Entries.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in map.Entries)
                {
                    EmitString(emitter, key, isKey: true);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case YamlSequence seq:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, seq.Items.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in seq.Items)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case YamlScalar { Kind: ScalarKind.String } s:
                EmitString(emitter, s.Text, isKey: false);
                break;
            case YamlScalar s:
                // null, booleans and numbers: plain, in canonical spelling.
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, PortableScalars.NumberText(s.Kind, s.Text), ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string value, bool isKey)
    {
        // NEL, LS and PS are line breaks to YAML 1.1 readers but text to 1.2 readers: only an escape reads the same in both.
        var multiLineOrControl = value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');
        var style = PortableScalars.NeedsQuotes(value) ? ScalarStyle.DoubleQuoted
            : multiLineOrControl && !isKey && FitsLiteralBlock(value) ? ScalarStyle.Literal
            : multiLineOrControl ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any;
        // Any lets the emitter pick plain when the text allows it and quote it otherwise (": ", "#", leading "-", ...).
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, style != ScalarStyle.DoubleQuoted, style == ScalarStyle.DoubleQuoted));
    }

    // A literal block keeps text exactly only when it has no carriage returns or other control characters, no trailing
    // blanks on a line and no leading blank on the first line; anything else is written double-quoted with escapes.
    private static bool FitsLiteralBlock(string value) =>
        !value.Any(c => (char.IsControl(c) || c is '\u2028' or '\u2029') && c != '\n')
        && !value.StartsWith(' ')
        && !value.Split('\n').Any(line => line.EndsWith(' '));
}
