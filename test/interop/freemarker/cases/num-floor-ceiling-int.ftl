${2.7?floor} ${(-2.7)?floor} ${2.1?ceiling} ${(-2.1)?ceiling} ${2.9?int} ${(-2.9)?int}
