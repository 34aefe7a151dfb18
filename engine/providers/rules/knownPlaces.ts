/**
 * Place names the offline responder recognises by ear: world capitals, large
 * and well-known cities, countries and a few regions. Matching against a
 * list is what lets a misheard name ("tokio", "to keo") still come out right;
 * a place not listed here still reaches the geocoder through the weather and
 * clock tools. Every word here is in pocketsphinx's dictionary, so the
 * recogniser can hear it (see vocabulary.ts). Common English words that are
 * also towns (Nice, Reading, Bath, Split, Mobile) are left out on purpose:
 * they would turn ordinary sentences into place names.
 */

/** Names separated by commas or line ends; `#` starts a comment to the end of its line. */
function placeList(text: string): string[] {
  return text
    .replace(/#.*$/gm, '')
    .split(/[,\n]/)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

export const KNOWN_CITIES: readonly string[] = placeList(`
  # Europe
  London, Paris, Berlin, Madrid, Rome, Lisbon, Dublin, Amsterdam, Brussels, Vienna, Prague,
  Warsaw, Budapest, Athens, Stockholm, Oslo, Copenhagen, Helsinki, Reykjavik, Zurich, Geneva,
  Bern, Munich, Hamburg, Frankfurt, Cologne, Stuttgart, Dresden, Leipzig, Barcelona, Valencia,
  Seville, Bilbao, Milan, Naples, Venice, Florence, Turin, Bologna, Palermo, Porto, Lyon,
  Marseille, Toulouse, Bordeaux, Nantes, Strasbourg, Edinburgh, Glasgow, Manchester,
  Liverpool, Birmingham, Leeds, Bristol, Oxford, Cambridge, Cardiff, Belfast, Brighton,
  Newcastle, Sheffield, Nottingham, Aberdeen, Rotterdam, Antwerp, Luxembourg, Monaco, Krakow,
  Bucharest, Sofia, Belgrade, Zagreb, Ljubljana, Kiev, Moscow, Minsk, Riga, Vilnius, Istanbul,
  Ankara, Salzburg, Gothenburg, Bergen
  # Americas
  New York, Los Angeles, San Francisco, Chicago, Houston, Boston, Seattle, Miami, Denver,
  Dallas, Atlanta, Phoenix, Philadelphia, Detroit, Portland, San Diego, Las Vegas, Washington,
  Austin, Nashville, New Orleans, Minneapolis, Pittsburgh, Baltimore, Cleveland, Orlando,
  Tampa, Honolulu, Anchorage, Salt Lake City, Kansas City, Saint Louis, San Antonio,
  Sacramento, Memphis, Toronto, Montreal, Vancouver, Ottawa, Calgary, Edmonton, Quebec,
  Winnipeg, Mexico City, Guadalajara, Havana, Panama City, Bogota, Lima, Quito, Caracas,
  Santiago, Buenos Aires, Montevideo, Rio de Janeiro, Sao Paulo, Brasilia, La Paz, Kingston
  # Asia and the Middle East
  Tokyo, Osaka, Kyoto, Yokohama, Beijing, Shanghai, Hong Kong, Shenzhen, Guangzhou, Taipei,
  Seoul, Singapore, Bangkok, Hanoi, Manila, Jakarta, Kuala Lumpur, Delhi, New Delhi, Mumbai,
  Bombay, Bangalore, Chennai, Calcutta, Hyderabad, Karachi, Lahore, Islamabad, Dhaka, Colombo,
  Dubai, Abu Dhabi, Doha, Riyadh, Tehran, Baghdad, Jerusalem, Tel Aviv, Beirut, Amman,
  Damascus, Kabul, Tashkent, Almaty, Ulaanbaatar
  # Africa
  Cairo, Lagos, Nairobi, Johannesburg, Cape Town, Casablanca, Tunis, Algiers, Accra, Addis Ababa,
  Dakar, Kampala, Kinshasa, Luanda, Khartoum, Harare, Durban, Alexandria
  # Oceania
  Sydney, Melbourne, Brisbane, Perth, Adelaide, Canberra, Auckland, Wellington, Christchurch,
  Hobart, Darwin
`);

export const KNOWN_COUNTRIES: readonly string[] = placeList(`
  France, Germany, Spain, Italy, Portugal, Ireland, England, Scotland, Wales, Britain,
  Netherlands, Holland, Belgium, Austria, Switzerland, Poland, Hungary, Greece, Sweden,
  Norway, Denmark, Finland, Iceland, Czech Republic, Romania, Bulgaria, Serbia, Croatia,
  Ukraine, Russia, Turkey, Estonia, Latvia, Lithuania, Canada, Mexico, Brazil, Argentina,
  Chile, Peru, Colombia, Venezuela, Cuba, Jamaica, China, Japan, Korea, India, Pakistan,
  Bangladesh, Nepal, Thailand, Vietnam, Indonesia, Malaysia, Philippines, Australia,
  New Zealand, Egypt, Morocco, Nigeria, Kenya, Ethiopia, Ghana, South Africa, Israel, Iran, Iraq,
  Saudi Arabia, Qatar, Afghanistan, Mongolia, Hawaii, Alaska, California, Texas, Florida
`);

/** Other names people say for a listed place: spoken forms, old names, abbreviations as words. */
export const PLACE_ALIASES: Readonly<Record<string, string>> = {
  'new york city': 'New York',
  manhattan: 'New York',
  'saint petersburg': 'Saint Petersburg',
  'washington dc': 'Washington',
  'the uk': 'United Kingdom',
  'united kingdom': 'United Kingdom',
  'the united kingdom': 'United Kingdom',
  'great britain': 'United Kingdom',
  'the us': 'United States',
  'the usa': 'United States',
  'united states': 'United States',
  'the united states': 'United States',
  america: 'United States',
  'the netherlands': 'Netherlands',
  'the philippines': 'Philippines',
  'st louis': 'Saint Louis',
  'rio': 'Rio de Janeiro',
  'peking': 'Beijing',
};
