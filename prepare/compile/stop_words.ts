/**
 * Stop-word lists for the offline compiler: the words that never start, end
 * or sit inside a key phrase. Lists exist for English (`en`, the fullest),
 * German (`de`), French (`fr`) and Spanish (`es`). A language code is matched
 * on its base (`en-GB` → `en`, `pt_BR` → `pt`); an unknown language falls
 * back to English, since most mixed corpora carry English text.
 *
 * The English list goes beyond function words: it also holds the generic
 * verbs, adverbs and fillers ("use", "make", "however", "example") that
 * would otherwise glue unrelated nouns into one phrase. It deliberately
 * leaves out words that start proper names ("new", "united"), and holds
 * the units that follow numbers ("ms", "MB", "px").
 *
 * Entries are lowercase; apostrophes are the ASCII `'` (callers fold `’`).
 *
 * @module
 */

const ENGLISH = `
a about above according across actually after afterwards again against ago all almost alone along
already also although always am among amongst an and another any anybody anyhow anyone anything
anyway anyways anywhere apart appear appeared appears are aren't around as aside ask asked asking
at away back be became because become becomes becoming been before beforehand behind being below
beside besides best better between beyond both brief but by came can can't cannot cant certain
certainly clearly co come comes consider considering could couldn't did didn't different do does
doesn't doing don't done down during e.g each eg either else elsewhere enough especially et etc
even ever every everybody everyone everything everywhere exactly example except far few fewer
first five followed following follows for former formerly forth four from further furthermore gave
get gets getting give given gives giving go goes going gone got gotten had hadn't happens hardly
has hasn't have haven't having he he'd he'll he's hello hence her here here's hereafter hereby
herein hers herself hi him himself his hither how however i i'd i'll i'm i've i.e ie if in
inasmuch indeed instead into inward is isn't it it'd it'll it's its itself just keep keeps kept
know known knows last lately later latter least less lest let let's like liked likely little look
looking looks made mainly make makes making many may maybe me mean meanwhile merely might mine more
moreover most mostly much must mustn't my myself namely near nearly necessary need needed needs
neither never nevertheless next nine no nobody non none nor not nothing now nowhere obviously of
off often oh ok okay on once one ones only onto or other others otherwise ought our ours ourselves
out outside over overall own particular particularly per perhaps please plus possible probably
provide provided provides put quite rather really regarding relatively respectively right said
same saw say saying says second see seeing seem seemed seeming seems seen sent serious
seriously seven several shall shan't she she'd she'll she's should shouldn't show showed shown
shows since six so some somebody somehow someone something sometime sometimes somewhat somewhere
soon still such sure take taken takes taking tell tends than thank thanks that that's the their
theirs them themselves then thence there there's thereafter thereby therefore therein thereupon
these they they'd they'll they're they've thing things think third this thorough thoroughly those
though three through throughout thru thus to together too took toward towards tried tries truly try
trying twice two under unless unlike unlikely until unto up upon us use used useful uses using
usually various very via viz vs want wants was wasn't way ways we we'd we'll we're we've well went
were weren't what what's whatever when whence whenever where where's whereafter whereas whereby
wherein whereupon wherever whether which while whither who who's whoever whole whom whose why will
willing with within without won't would wouldn't yes yet you you'd you'll you're you've your yours
yourself yourselves zero
able allow allowed allowing allows based began begin begins call called chose choose chooses choosing
chosen contain contained containing contains depend depended depending depends describe described
describes describing enable enables ensure ensures explain explained explains help helped helps
important include included includes including lets offer offered offers rely relies relying
require required requires requiring tend
fig figs eq eqs pp vol vols ibid al cf
b kb mb gb tb kib mib gib ms ns µs sec secs min mins hr hrs px pt em cm mm km kg hz khz mhz ghz fps
`;

const GERMAN = `
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch
auf aus bei bin bis bist da damit dann das dass dasselbe dazu dein deine deinem deinen deiner dem
demselben den denn denselben der derer derselbe derselben des desselben dessen dich die dies diese
dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer
eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure eurem euren
eurer für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre
ihrem ihren ihrer im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes
jetzt kann kein keine keinem keinen keiner können könnte machen man manche manchem manchen mancher
mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen
seiner sich sie sind so solche solchem solchen solcher soll sollte sondern sonst über um und uns
unser unsere unter viel vom von vor während war waren warst was weg weil weiter welche welchem
welchen welcher wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu
zum zur zwar zwischen
`;

const FRENCH = `
a à afin ai aie aient ainsi alors au aucun aucune aussi autre autres aux avec avoir avait avant
c c'est ça car ce ceci cela celle celles celui cependant ces cet cette ceux chaque chez ci comme
comment d dans de des deux donc dont du elle elles en encore entre est et étaient était été être
eu eux fait faire fois font hors il ils j je jusqu jusque l la là le les leur leurs lors lui m ma
mais me même mes moi moins mon n ne ni non nos notre nous on ont ou où par parce pas peu peut plus
pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses si son sont
sous sur t ta te tes toi ton tous tout toute toutes très tu un une vers vos votre vous y
`;

const SPANISH = `
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
él ella ellas ellos en entre era erais eran eras es esa esas ese eso esos esta está estaba estado
están estar estas este esto estos fue fueron ha había han hasta hay la las le les lo los más me mi
mis mucho muchos muy nada ni no nos nosotros o os otra otras otro otros para pero poco por porque
que qué quien quienes se sea ser si sí sin sobre su sus también tanto te tiene tienen todo todos tu
tus un una uno unos y ya yo
`;

const LISTS: Record<string, string> = { en: ENGLISH, de: GERMAN, fr: FRENCH, es: SPANISH };
const cache = new Map<string, ReadonlySet<string>>();

/** Returns the lowercase base code of a language tag ("en-GB" → "en", "pt_BR" → "pt"). */
export function baseLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0];
}

/** Returns the base code of the list used for `language` ("en" when there is none). */
export function stopWordLanguage(language: string): string {
  const base = baseLanguage(language);
  return Object.hasOwn(LISTS, base) ? base : "en";
}

/**
 * Returns the stop words of `language` (lowercase). Unknown languages get
 * the English list.
 */
export function stopWords(language: string): ReadonlySet<string> {
  const code = stopWordLanguage(language);
  let set = cache.get(code);
  if (set === undefined) {
    set = new Set(LISTS[code].split(/\s+/).filter((word) => word !== ""));
    cache.set(code, set);
  }
  return set;
}
